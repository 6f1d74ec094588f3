/** One room and its archive, paged by `seq` (cursors come from the previous page). */
import type { FastifyInstance } from 'fastify';
import type { CommunityService } from '../../chat/communities.ts';
import { PAGE_LIMIT } from '../../chat/community-messages.ts';
import { principalOf } from '../auth-plugin.ts';
import { bearer, commonErrors, idParams, messagePage, roomView } from '../schemas.ts';

export function roomRoutes(app: FastifyInstance, communities: CommunityService): void {
  const base = { tags: ['rooms'], security: bearer };

  app.get<{ Params: { id: string } }>(
    '/api/rooms/:id',
    {
      schema: {
        ...base,
        summary: 'One room',
        params: idParams,
        response: { 200: roomView, ...commonErrors },
      },
    },
    async (request) => communities.getRoom(principalOf(request), request.params.id),
  );

  app.get<{ Params: { id: string }; Querystring: { before?: number; after?: number; limit: number } }>(
    '/api/rooms/:id/messages',
    {
      schema: {
        ...base,
        summary: 'Archived messages of a room, oldest first',
        description:
          'Without cursors: the newest page. `before`: the page older than that seq (a `prevCursor`); ' +
          '`after`: the page newer than that seq (a `nextCursor`). Needs the right to join the room.',
        params: idParams,
        querystring: {
          type: 'object',
          properties: {
            before: { type: 'integer', minimum: 0 },
            after: { type: 'integer', minimum: 0 },
            limit: { type: 'integer', minimum: 1, maximum: PAGE_LIMIT.max, default: PAGE_LIMIT.default },
          },
        },
        response: { 200: messagePage, ...commonErrors },
      },
    },
    async (request) => {
      const { before, after, limit } = request.query;
      return communities.messages(principalOf(request), request.params.id, {
        limit,
        ...(before !== undefined ? { before } : {}),
        ...(after !== undefined ? { after } : {}),
      });
    },
  );
}
