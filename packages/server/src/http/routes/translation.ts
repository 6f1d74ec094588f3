/** A message in the reader's language (free for fans; docs/http-api.md). */
import { TranslationQuery, TranslationView, ChildParams } from '@lightstick/protocol';
import type { FastifyInstance } from 'fastify';
import type { ModerationServices } from '../../moderation/moderation-services.ts';
import { principalOf } from '../auth-plugin.ts';
import { bearer, providerErrors } from '../schemas.ts';

export function translationRoutes(app: FastifyInstance, m: ModerationServices): void {
  app.get<{ Params: { id: string; mid: string }; Querystring: TranslationQuery }>(
    '/api/rooms/:id/messages/:mid/translation',
    {
      schema: {
        tags: ['rooms'],
        security: bearer,
        summary: 'A message translated into `lang` (anyone who may read the room; free)',
        description:
          'Translated once per message and language, then cached for everyone. A message already in `lang` is ' +
          'answered as it is (`provider: "none"`). 503 unavailable when translation is not set up or the ' +
          'provider cannot be reached; 502 provider_error when it refuses.',
        params: ChildParams('mid'),
        querystring: TranslationQuery,
        response: { 200: TranslationView, ...providerErrors },
      },
    },
    async (request) =>
      m.translation.translate(
        principalOf(request),
        request.params.id,
        request.params.mid,
        request.query.lang,
      ),
  );
}
