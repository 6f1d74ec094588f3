/**
 * Creation quotas in the creating transaction (repositories.ts, CreationQuota): the row that owns the count is
 * held first (PostgreSQL: SELECT ... FOR UPDATE; SQLite has one writer and runs transactions in turn), so two
 * creations at once are counted one after the other. The counts are the creation times themselves: the quotas
 * are small, and the times give the sliding window and the wait until its oldest entry leaves it.
 */
import type { Transaction } from 'kysely';
import type { CreationCounts, CreationQuota } from './repositories.ts';
import type { Schema, SqlDialect } from './schema.ts';

/** Holds the row of `table` with `id` until the transaction ends. */
export async function holdRow(
  tx: Transaction<Schema>,
  dialect: SqlDialect,
  table: 'users' | 'communities',
  id: string,
): Promise<void> {
  const q = tx.selectFrom(table).select('id').where('id', '=', id);
  await (dialect === 'postgres' ? q.forUpdate() : q).execute();
}

/** Runs the quota's check over the creation times read in the transaction. */
export function checkQuota(quota: CreationQuota, times: readonly (number | string)[]): void {
  const all = times.map(Number);
  const counts: CreationCounts = {
    total: all.length,
    recent: all.filter((t) => t >= quota.since).sort((a, b) => a - b),
  };
  quota.check(counts);
}
