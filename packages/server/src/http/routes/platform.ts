/** Platform decisions (admins only): the creator flag, the official mark, the platform audit log. */
import { AuditPage, CommunityView, IdParams, UserView } from '@lightstick/protocol';
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { ModerationServices } from '../../moderation/moderation-services.ts';
import { principalOf } from '../auth-plugin.ts';
import { bearer, commonErrors } from '../schemas.ts';

export function platformRoutes(app: FastifyInstance, m: ModerationServices): void {
  const base = { tags: ['admin'], security: bearer };

  app.put<{ Params: { id: string }; Body: { creator: boolean } }>(
    '/api/admin/users/:id/creator',
    {
      schema: {
        ...base,
        summary: 'Grant or take the creator permission (create official communities)',
        params: IdParams,
        body: Type.Object({ creator: Type.Boolean() }),
        response: { 200: UserView, ...commonErrors },
      },
    },
    async (request) => m.platform.setCreator(principalOf(request), request.params.id, request.body.creator),
  );

  app.put<{ Params: { id: string }; Body: { official: boolean } }>(
    '/api/admin/communities/:id/official',
    {
      schema: {
        ...base,
        summary: 'Give or take the official mark (never on a fan-made community: 409 conflict)',
        params: IdParams,
        body: Type.Object({ official: Type.Boolean() }),
        response: { 200: CommunityView, ...commonErrors },
      },
    },
    async (request) => m.platform.setOfficial(principalOf(request), request.params.id, request.body.official),
  );

  app.get<{ Querystring: { limit: number; before?: string } }>(
    '/api/admin/audit',
    {
      schema: {
        ...base,
        summary: 'The platform audit log (creator flags, official marks), newest first',
        querystring: Type.Object({
          limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
          before: Type.Optional(Type.String({ maxLength: 64 })),
        }),
        response: { 200: AuditPage, ...commonErrors },
      },
    },
    async (request) => {
      const page = await m.audit.platform(principalOf(request), request.query);
      return { entries: page.items, next: page.next };
    },
  );
}
