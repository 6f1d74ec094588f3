/** Communities, memberships and a community's rooms. Any signed-in user may create a community. */
import type { FastifyInstance } from 'fastify';
import type { CommunityService } from '../../chat/communities.ts';
import { principalOf } from '../auth-plugin.ts';
import {
  bearer,
  commonErrors,
  communityView,
  idParams,
  memberView,
  pageQuery,
  roomView,
} from '../schemas.ts';

type Id = { Params: { id: string } };
type Page = { Querystring: { limit: number; after?: string } };

const nextCursor = {
  anyOf: [{ type: 'string' }, { type: 'null' }],
  description: 'Pass as `after` for the next page',
};

export function communityRoutes(app: FastifyInstance, communities: CommunityService): void {
  const base = { tags: ['communities'], security: bearer };

  app.get<Page>(
    '/api/communities',
    {
      schema: {
        ...base,
        summary: 'List communities with the caller’s role in each',
        querystring: pageQuery,
        response: {
          200: {
            type: 'object',
            required: ['communities', 'next'],
            properties: { communities: { type: 'array', items: communityView }, next: nextCursor },
          },
          ...commonErrors,
        },
      },
    },
    async (request) => {
      const page = await communities.list(principalOf(request), request.query);
      return { communities: page.items, next: page.next };
    },
  );

  app.post<{ Body: { slug: string; name: string; description?: string } }>(
    '/api/communities',
    {
      schema: {
        ...base,
        summary: 'Create a community (the caller becomes its owner) with its always-on community room',
        body: {
          type: 'object',
          required: ['slug', 'name'],
          properties: {
            slug: { type: 'string', maxLength: 64, description: '2-40 of a-z, 0-9 and -' },
            name: { type: 'string', maxLength: 1024, description: '1-60 characters, any script' },
            description: { type: 'string', maxLength: 8192, description: 'At most 500 characters' },
          },
        },
        response: { 201: communityView, ...commonErrors },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await communities.create(principalOf(request), request.body)),
  );

  app.get<Id>(
    '/api/communities/:id',
    {
      schema: {
        ...base,
        summary: 'One community',
        params: idParams,
        response: { 200: communityView, ...commonErrors },
      },
    },
    async (request) => communities.get(principalOf(request), request.params.id),
  );

  app.post<Id>(
    '/api/communities/:id/join',
    {
      schema: {
        ...base,
        summary: 'Join as a fan (joining again keeps the current role)',
        params: idParams,
        response: { 200: communityView, ...commonErrors },
      },
    },
    async (request) => communities.join(principalOf(request), request.params.id),
  );

  app.post<Id>(
    '/api/communities/:id/leave',
    {
      schema: {
        ...base,
        summary: 'Leave the community (the owner cannot)',
        params: idParams,
        response: { 200: communityView, ...commonErrors },
      },
    },
    async (request) => communities.leave(principalOf(request), request.params.id),
  );

  app.get<Id>(
    '/api/communities/:id/rooms',
    {
      schema: {
        ...base,
        summary: 'Rooms of a community, the community room first',
        params: idParams,
        response: {
          200: {
            type: 'object',
            required: ['rooms'],
            properties: { rooms: { type: 'array', items: roomView } },
          },
          ...commonErrors,
        },
      },
    },
    async (request) => ({ rooms: await communities.listRooms(principalOf(request), request.params.id) }),
  );

  app.post<Id & { Body: { name: string; kind?: string; access?: string } }>(
    '/api/communities/:id/rooms',
    {
      schema: {
        ...base,
        summary: 'Create a room (moderators, artists, owners, admins)',
        params: idParams,
        body: {
          type: 'object',
          required: ['name'],
          properties: {
            name: { type: 'string', maxLength: 1024, description: '1-60 characters' },
            kind: { type: 'string', enum: ['live', 'community'], default: 'live' },
            access: { type: 'string', enum: ['public', 'members'], default: 'public' },
          },
        },
        response: { 201: roomView, ...commonErrors },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await communities.createRoom(principalOf(request), request.params.id, request.body)),
  );

  app.get<Id & Page>(
    '/api/communities/:id/members',
    {
      schema: {
        ...base,
        summary: 'Members and their roles (moderators and up)',
        params: idParams,
        querystring: pageQuery,
        response: {
          200: {
            type: 'object',
            required: ['members', 'next'],
            properties: { members: { type: 'array', items: memberView }, next: nextCursor },
          },
          ...commonErrors,
        },
      },
    },
    async (request) => {
      const page = await communities.listMembers(principalOf(request), request.params.id, request.query);
      return { members: page.items, next: page.next };
    },
  );

  app.put<{ Params: { id: string; userId: string }; Body: { role: string } }>(
    '/api/communities/:id/members/:userId',
    {
      schema: {
        ...base,
        summary: 'Set a member’s role (owner or admin; only an admin makes or unmakes an owner)',
        description: '`member` is the paid membership that members-only rooms require.',
        params: {
          type: 'object',
          required: ['id', 'userId'],
          properties: { id: idParams.properties.id, userId: idParams.properties.id },
        },
        body: {
          type: 'object',
          required: ['role'],
          properties: { role: { type: 'string', enum: ['owner', 'artist', 'moderator', 'member', 'fan'] } },
        },
        response: { 200: memberView, ...commonErrors },
      },
    },
    async (request) =>
      communities.setRole(principalOf(request), request.params.id, request.params.userId, request.body.role),
  );
}
