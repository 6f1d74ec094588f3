/**
 * Provider webhooks: POST /api/providers/:provider/events. The body is kept as raw bytes (signatures cover
 * the exact body) and handed to that provider's parseEvents, which verifies the signature; verified events
 * are applied by the live service. A delivery whose events were all seen before is a replay: 409 `conflict`,
 * nothing changes. Events for unknown channels are logged and ignored.
 */
import type { FastifyInstance } from 'fastify';
import { WebhookAnswer } from '@lightstick/protocol';
import { AppError } from '../../errors.ts';
import type { LiveEvents } from '../../lives/live-events.ts';
import type { ProviderRegistry } from '../../lives/provider-registry.ts';
import type { Runtime } from '../../runtime.ts';
import { BODY_LIMIT_BYTES } from '../app.ts';
import { HttpError } from '@lightstick/protocol';

export function providerEventRoutes(
  app: FastifyInstance,
  deps: { providers: ProviderRegistry; events: LiveEvents; runtime: Runtime },
): void {
  void app.register(async (scope) => {
    // Any content type, as bytes: only the provider knows its body format and what its signature covers.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT_BYTES }, (_r, body, done) =>
      done(null, body),
    );
    scope.post<{ Params: { provider: string } }>(
      '/api/providers/:provider/events',
      {
        config: { auth: false },
        schema: {
          tags: ['lives'],
          summary: 'Provider webhook (IVS through SNS or an API destination, Mux, Cloudflare Stream)',
          description:
            'Verified with the provider’s signature scheme: a missing or bad signature is 403 `forbidden`, a ' +
            'body not in the provider’s shape 400 `bad_request`, a replayed delivery 409 `conflict`; none ' +
            'changes anything. An unconfigured provider is 404.',
          params: {
            type: 'object',
            required: ['provider'],
            properties: { provider: { type: 'string', maxLength: 32 } },
          },
          response: {
            200: WebhookAnswer,
            400: HttpError,
            403: HttpError,
            404: HttpError,
            409: HttpError,
            413: HttpError,
            500: HttpError,
            502: HttpError,
            503: HttpError,
          },
        },
      },
      async (request) => {
        const name = request.params.provider;
        if (!deps.providers.has(name))
          throw new AppError('not_found', `No provider ${name.slice(0, 32)} here`);
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const events = await deps.providers.of(name).parseEvents({
          headers: request.headers,
          body,
          receivedAt: deps.runtime.now(),
        });
        const answer = await deps.events.apply(name, events, { remember: true });
        if (events.length > 0 && answer.duplicates === events.length) {
          throw new AppError('conflict', 'This delivery was processed before (replay)');
        }
        request.log.info({ provider: name, ...answer }, 'provider events');
        return answer;
      },
    );
  });
}
