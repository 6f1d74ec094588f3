/** Platform administration. Admins only. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { RotateKeyResponse, SessionsEnded } from '@lightstick/protocol';
import { Type } from '@sinclair/typebox';
import type { AuthService } from '../../auth/auth-service.ts';
import { ensureAdmin } from '../../auth/guards.ts';
import type { TokenService } from '../../auth/tokens.ts';
import { principalOf } from '../auth-plugin.ts';
import { bearer, commonErrors } from '../schemas.ts';

export function adminRoutes(fastify: FastifyInstance, tokens: TokenService, auth: AuthService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/api/admin/keys/rotate',
    {
      schema: {
        tags: ['admin'],
        security: bearer,
        summary: 'Rotate the token signing key',
        description:
          'New tokens are signed with a new key; tokens signed with the old one stay valid until they expire.',
        response: {
          200: RotateKeyResponse,
          ...commonErrors,
        },
      },
    },
    async (request) => {
      ensureAdmin(principalOf(request));
      return { kid: await tokens.rotate() };
    },
  );

  app.post(
    '/api/admin/users/:userId/sessions/revoke',
    {
      schema: {
        tags: ['admin'],
        security: bearer,
        summary: 'End every sign-in of a user',
        description:
          "Every refresh and access token of the user stops working and the user's sockets close (4003) on " +
          'every gateway at once.',
        params: Type.Object({ userId: Type.String({ maxLength: 64 }) }),
        response: { 200: SessionsEnded, ...commonErrors },
      },
    },
    async (request) => {
      ensureAdmin(principalOf(request));
      return { ended: await auth.revokeUser(request.params.userId) };
    },
  );
}
