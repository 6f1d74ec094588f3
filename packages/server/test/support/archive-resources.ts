/** Disposable scale-out resources: a unique Redis key prefix and PostgreSQL schema per test, removed after. */
import pg from 'pg';
import { Redis } from 'ioredis';

export const PG_URL = process.env.LIGHTSTICK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.LIGHTSTICK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let n = 0;
const tag = () => `${process.pid}_${++n}_${Math.random().toString(36).slice(2, 8)}`;
export const uniqueSchema = () => `t_archive_${tag()}`;
export const uniquePrefix = () => `test:archive:${tag()}:`;

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  client.on('error', () => {}); // a lost connection fails the query below instead of the process
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

/** Deletes every key under `prefix`. */
export async function dropPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(
        cursor,
        'MATCH',
        `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`,
        'COUNT',
        500,
      );
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
