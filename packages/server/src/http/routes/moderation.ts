/**
 * Moderation over HTTP (docs/moderation.md): room modes, deleting and pinning messages, timeouts and bans, and the
 * audit log. Who may call what is the role matrix (auth/powers.ts), checked in the services; each moderator's
 * actions are rate-limited here.
 */
import {
  AuditPage,
  BanBody,
  DeletedView,
  PinnedView,
  PutPinBody,
  PutRoomModeBody,
  RoomMode,
  SanctionKind,
  SanctionView,
  SanctionsPage,
  TimeoutBody,
  ChildParams,
  IdParams,
} from '@lightstick/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { ModerationServices } from '../../moderation/moderation-services.ts';
import { limitOrRefuse } from '../../moderation/limit.ts';
import { ModerationRateRules } from '../../moderation/rate-rules.ts';
import { principalOf } from '../auth-plugin.ts';
import { bearer, commonErrors } from '../schemas.ts';

type Id = { Params: { id: string } };

export function moderationRoutes(app: FastifyInstance, m: ModerationServices): void {
  const rooms = { tags: ['moderation'], security: bearer };
  /** Each moderation change costs the moderator one token (ModerationRateRules.actionPerUser). */
  const act = async (request: FastifyRequest) => {
    const p = principalOf(request);
    await limitOrRefuse(m.rateLimiter, `mod:${p.userId}`, ModerationRateRules.actionPerUser);
    return p;
  };

  app.get<Id>(
    '/api/rooms/:id/mode',
    {
      schema: {
        ...rooms,
        summary: 'The room’s modes (anyone who may enter the room)',
        params: IdParams,
        response: { 200: RoomMode, ...commonErrors },
      },
    },
    async (request) => m.rooms.mode(principalOf(request), request.params.id),
  );

  app.put<Id & { Body: PutRoomModeBody }>(
    '/api/rooms/:id/mode',
    {
      schema: {
        ...rooms,
        summary: 'Change room modes (moderators and up); fields left out keep their value',
        params: IdParams,
        body: PutRoomModeBody,
        response: { 200: RoomMode, ...commonErrors },
      },
    },
    async (request) => m.rooms.setMode(await act(request), request.params.id, request.body),
  );

  app.delete<{ Params: { id: string; mid: string } }>(
    '/api/rooms/:id/messages/:mid',
    {
      schema: {
        ...rooms,
        summary: 'Delete a message (moderators and up, of people below them)',
        description:
          'Gone for fans (live and in the archive); moderators still see it, marked with who and when.',
        params: ChildParams('mid'),
        response: { 200: DeletedView, ...commonErrors },
      },
    },
    async (request) => m.rooms.deleteMessage(await act(request), request.params.id, request.params.mid),
  );

  app.get<Id>(
    '/api/rooms/:id/pin',
    {
      schema: {
        ...rooms,
        summary: 'The pinned message (anyone who may enter the room)',
        params: IdParams,
        response: { 200: PinnedView, ...commonErrors },
      },
    },
    async (request) => m.rooms.pinned(principalOf(request), request.params.id),
  );

  app.put<Id & { Body: PutPinBody }>(
    '/api/rooms/:id/pin',
    {
      schema: {
        ...rooms,
        summary: 'Pin a message of the room, or unpin with { mid: null } (moderators and up)',
        params: IdParams,
        body: PutPinBody,
        response: { 200: PinnedView, ...commonErrors },
      },
    },
    async (request) => m.rooms.setPin(await act(request), request.params.id, request.body.mid),
  );

  app.post<Id & { Body: TimeoutBody }>(
    '/api/communities/:id/timeouts',
    {
      schema: {
        ...rooms,
        summary: 'Time someone out: no sending for 1 s to 2 weeks (moderators and up, on people below them)',
        params: IdParams,
        body: TimeoutBody,
        response: { 201: SanctionView, ...commonErrors },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await m.users.timeout(await act(request), request.params.id, request.body)),
  );

  app.post<Id & { Body: BanBody }>(
    '/api/communities/:id/bans',
    {
      schema: {
        ...rooms,
        summary: 'Ban someone from the community until unbanned (moderators and up, on people below them)',
        params: IdParams,
        body: BanBody,
        response: { 201: SanctionView, ...commonErrors },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await m.users.ban(await act(request), request.params.id, request.body)),
  );

  for (const [path, kind] of [
    ['/api/communities/:id/timeouts/:userId', 'timeout'],
    ['/api/communities/:id/bans/:userId', 'ban'],
  ] as const) {
    app.delete<{ Params: { id: string; userId: string } }>(
      path,
      {
        schema: {
          ...rooms,
          summary: kind === 'ban' ? 'Unban' : 'End a timeout early',
          params: ChildParams('userId'),
          response: { 204: Type.Null(), ...commonErrors },
        },
      },
      async (request, reply) => {
        await m.users.lift(await act(request), request.params.id, kind, request.params.userId);
        return reply.code(204).send();
      },
    );
  }

  app.get<Id & { Querystring: { kind?: SanctionKind; limit: number; after?: string } }>(
    '/api/communities/:id/sanctions',
    {
      schema: {
        ...rooms,
        summary: 'Bans and timeouts in force, by user id (moderators and up)',
        params: IdParams,
        querystring: Type.Object({
          kind: Type.Optional(SanctionKind),
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
          after: Type.Optional(Type.String({ maxLength: 64 })),
        }),
        response: { 200: SanctionsPage, ...commonErrors },
      },
    },
    async (request) => {
      const page = await m.users.list(principalOf(request), request.params.id, request.query);
      return { sanctions: page.items, next: page.next };
    },
  );

  app.get<Id & { Querystring: { limit: number; before?: string } }>(
    '/api/communities/:id/audit',
    {
      schema: {
        ...rooms,
        summary: 'The audit log of the community, newest first (moderators and up)',
        params: IdParams,
        querystring: Type.Object({
          limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
          before: Type.Optional(
            Type.String({ maxLength: 64, description: 'The `next` of the previous page' }),
          ),
        }),
        response: { 200: AuditPage, ...commonErrors },
      },
    },
    async (request) => {
      const page = await m.audit.community(principalOf(request), request.params.id, request.query);
      return { entries: page.items, next: page.next };
    },
  );
}
