/** Platform administration. Admins only. */
import type { FastifyInstance } from 'fastify';
import { ensureAdmin } from '../../auth/guards.ts';
import type { TokenService } from '../../auth/tokens.ts';
import { principalOf } from '../auth-plugin.ts';
import { bearer, commonErrors } from '../schemas.ts';

export function adminRoutes(app: FastifyInstance, tokens: TokenService): void {
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
          200: {
            type: 'object',
            required: ['kid'],
            properties: { kid: { type: 'string', description: 'The new key id' } },
          },
          ...commonErrors,
        },
      },
    },
    async (request) => {
      ensureAdmin(principalOf(request));
      return { kid: await tokens.rotate() };
    },
  );
}
