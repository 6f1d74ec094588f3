/** One room and its archive, paged by `seq` (cursors come from the previous page). */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { IdParams, MessagePage, MessagePageQuery, RoomView } from '@lightstick/protocol';
import type { CommunityService } from '../../chat/communities.ts';
import { PAGE_LIMIT } from '../../chat/community-messages.ts';
import { principalOf } from '../auth-plugin.ts';
import { bearer, commonErrors } from '../schemas.ts';

export function roomRoutes(fastify: FastifyInstance, communities: CommunityService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const base = { tags: ['rooms'], security: bearer };

  app.get(
    '/api/rooms/:id',
    {
      schema: {
        ...base,
        summary: 'One room',
        params: IdParams,
        response: { 200: RoomView, ...commonErrors },
      },
    },
    async (request) => communities.getRoom(principalOf(request), request.params.id),
  );

  app.get(
    '/api/rooms/:id/messages',
    {
      schema: {
        ...base,
        summary: 'Archived messages of a room, oldest first',
        description:
          'Without cursors: the newest page. `before`: the page older than that seq (a `prevCursor`); ' +
          '`after`: the page newer than that seq (a `nextCursor`). Needs the right to join the room.',
        params: IdParams,
        querystring: MessagePageQuery,
        response: { 200: MessagePage, ...commonErrors },
      },
    },
    async (request) => {
      // Ajv has filled in the default limit; the type cannot know that.
      const { before, after, limit = PAGE_LIMIT.default } = request.query;
      return communities.messages(principalOf(request), request.params.id, {
        limit,
        ...(before !== undefined ? { before } : {}),
        ...(after !== undefined ? { after } : {}),
      });
    },
  );
}
