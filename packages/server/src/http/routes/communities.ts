/** Communities, memberships and a community's rooms. Any signed-in user may create a community. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  CommunitiesQuery,
  CommunityList,
  CommunityView,
  CreateCommunityBody,
  CreateRoomBody,
  IdParams,
  MemberList,
  MemberParams,
  MemberView,
  PageLimits,
  MembersQuery,
  type PageQuery,
  RoomList,
  RoomView,
  SetRoleBody,
} from '@lightstick/protocol';
import type { CommunityService } from '../../chat/communities.ts';
import { principalOf } from '../auth-plugin.ts';
import { bearer, commonErrors } from '../schemas.ts';

/** Ajv has filled in the default limit; the type cannot know that. */
const page = <Q extends PageQuery>(q: Q) => ({ ...q, limit: q.limit ?? PageLimits.listDefault });

export function communityRoutes(fastify: FastifyInstance, communities: CommunityService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const base = { tags: ['communities'], security: bearer };

  app.get(
    '/api/communities',
    {
      schema: {
        ...base,
        summary:
          'List communities (all, or found by name or slug: `q`) with the caller’s role and their counts',
        querystring: CommunitiesQuery,
        response: { 200: CommunityList, ...commonErrors },
      },
    },
    async (request) => {
      const found = await communities.list(principalOf(request), page(request.query));
      return { communities: found.items, next: found.next };
    },
  );

  app.post(
    '/api/communities',
    {
      schema: {
        ...base,
        summary: 'Create a community (the caller becomes its owner) with its always-on community room',
        body: CreateCommunityBody,
        response: { 201: CommunityView, ...commonErrors },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await communities.create(principalOf(request), request.body)),
  );

  app.get(
    '/api/communities/:id',
    {
      schema: {
        ...base,
        summary: 'One community',
        params: IdParams,
        response: { 200: CommunityView, ...commonErrors },
      },
    },
    async (request) => communities.get(principalOf(request), request.params.id),
  );

  app.post(
    '/api/communities/:id/join',
    {
      schema: {
        ...base,
        summary: 'Join as a fan (joining again keeps the current role)',
        params: IdParams,
        response: { 200: CommunityView, ...commonErrors },
      },
    },
    async (request) => communities.join(principalOf(request), request.params.id),
  );

  app.post(
    '/api/communities/:id/leave',
    {
      schema: {
        ...base,
        summary: 'Leave the community (the owner cannot)',
        params: IdParams,
        response: { 200: CommunityView, ...commonErrors },
      },
    },
    async (request) => communities.leave(principalOf(request), request.params.id),
  );

  app.get(
    '/api/communities/:id/rooms',
    {
      schema: {
        ...base,
        summary: 'Rooms of a community, the community room first',
        params: IdParams,
        response: { 200: RoomList, ...commonErrors },
      },
    },
    async (request) => ({ rooms: await communities.listRooms(principalOf(request), request.params.id) }),
  );

  app.post(
    '/api/communities/:id/rooms',
    {
      schema: {
        ...base,
        summary: 'Create a room (moderators, artists, owners, admins)',
        params: IdParams,
        body: CreateRoomBody,
        response: { 201: RoomView, ...commonErrors },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await communities.createRoom(principalOf(request), request.params.id, request.body)),
  );

  app.get(
    '/api/communities/:id/members',
    {
      schema: {
        ...base,
        summary: 'Members and their roles (moderators and up), all or by username prefix (`q`)',
        params: IdParams,
        querystring: MembersQuery,
        response: { 200: MemberList, ...commonErrors },
      },
    },
    async (request) => {
      const found = await communities.listMembers(
        principalOf(request),
        request.params.id,
        page(request.query),
      );
      return { members: found.items, next: found.next };
    },
  );

  app.put(
    '/api/communities/:id/members/:userId',
    {
      schema: {
        ...base,
        summary: 'Set a member’s role (owner or admin; only an admin makes or unmakes an owner)',
        description: '`member` is the paid membership that members-only rooms require.',
        params: MemberParams,
        body: SetRoleBody,
        response: { 200: MemberView, ...commonErrors },
      },
    },
    async (request) =>
      communities.setRole(principalOf(request), request.params.id, request.params.userId, request.body.role),
  );
}
