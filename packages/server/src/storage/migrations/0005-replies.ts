/**
 * Replies (issue 11, artist spotlight): a message may carry the message it answers (JSON ReplyRef), so an
 * artist's reply shows the fan's message with it in the archive too. Additive: older processes ignore it.
 */
import type { Kysely, Migration } from 'kysely';
import type { SqlDialect } from '../schema.ts';

export function replies(_dialect: SqlDialect): Migration {
  return {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's Schema type
    async up(db: Kysely<any>) {
      await db.schema.alterTable('messages').addColumn('reply', 'text').execute();
    },
  };
}
