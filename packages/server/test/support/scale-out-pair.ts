/**
 * Two in-process Lightstick servers in scale-out mode sharing the local Redis and PostgreSQL, under a schema
 * and key prefix of their own: the setup of the integration tests that act through one process and observe
 * through the other. `stop` stops both and drops what they left in PostgreSQL and Redis.
 */
import { startLightstick, type InProcess } from './harness.ts';
import {
  PG_URL,
  REDIS_URL,
  dropPrefix,
  dropSchema,
  uniquePrefix,
  uniqueSchema,
} from './archive-resources.ts';

export interface ScaleOutPair {
  a: InProcess;
  b: InProcess;
  /** The Redis key prefix both use. */
  prefix: string;
  stop(): Promise<void>;
}

/** `env` adds settings both processes get (limits under test). */
export async function startScaleOutPair(opts: { env?: Record<string, string> } = {}): Promise<ScaleOutPair> {
  const schema = uniqueSchema();
  const prefix = uniquePrefix();
  const env = {
    ...opts.env,
    LIGHTSTICK_REDIS_URL: REDIS_URL,
    LIGHTSTICK_REDIS_PREFIX: prefix,
    LIGHTSTICK_DATABASE_URL: PG_URL,
    LIGHTSTICK_DATABASE_SCHEMA: schema,
  };
  const started: InProcess[] = [];
  const stop = async () => {
    for (const p of started) await p.stop();
    await dropSchema(schema);
    await dropPrefix(prefix);
  };
  try {
    started.push(await startLightstick({ env }));
    started.push(await startLightstick({ env }));
  } catch (err) {
    await stop();
    throw err;
  }
  return { a: started[0]!, b: started[1]!, prefix, stop };
}
