/** HTTP shapes of one room and its message archive, paged by `seq` (docs/http-api.md). */
import { Type, type Static } from '@sinclair/typebox';
import { ChatMessage } from './chat.ts';
import { Nullable } from './kit.ts';
import { PageLimits } from './limits.ts';

export const MessagePageQuery = Type.Object({
  before: Type.Optional(Type.Integer({ minimum: 0, description: 'A `prevCursor`: the page older than it' })),
  after: Type.Optional(Type.Integer({ minimum: 0, description: 'A `nextCursor`: the page newer than it' })),
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: PageLimits.archiveMax, default: PageLimits.archiveDefault }),
  ),
});
export type MessagePageQuery = Static<typeof MessagePageQuery>;

export const MessagePage = Type.Object({
  messages: Type.Array(ChatMessage),
  prevCursor: Nullable(Type.Integer(), {
    description: 'Pass as `before` for the older page; null at the beginning',
  }),
  nextCursor: Nullable(Type.Integer(), {
    description: 'Pass as `after` for the newer page; null at the end',
  }),
});
export type MessagePage = Static<typeof MessagePage>;
