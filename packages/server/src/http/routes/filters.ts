/** A community's word filter over HTTP (moderators and up; docs/moderation.md). */
import { FilterCheckBody, FilterCheckView, FilterSettings, IdParams } from '@lightstick/protocol';
import type { FastifyInstance } from 'fastify';
import type { ModerationServices } from '../../moderation/moderation-services.ts';
import { limitOrRefuse } from '../../moderation/limit.ts';
import { ModerationRateRules } from '../../moderation/rate-rules.ts';
import { principalOf } from '../auth-plugin.ts';
import { bearer, commonErrors } from '../schemas.ts';

type Id = { Params: { id: string } };

export function filterRoutes(app: FastifyInstance, m: ModerationServices): void {
  const base = { tags: ['moderation'], security: bearer };

  app.get<Id>(
    '/api/communities/:id/filter',
    {
      schema: {
        ...base,
        summary: 'The word filter: what the built-in list does, the community’s terms and allowed words',
        params: IdParams,
        response: { 200: FilterSettings, ...commonErrors },
      },
    },
    async (request) => m.filters.get(principalOf(request), request.params.id),
  );

  app.put<Id & { Body: FilterSettings }>(
    '/api/communities/:id/filter',
    {
      schema: {
        ...base,
        summary: 'Replace the word filter settings (applies to new messages within a second)',
        params: IdParams,
        body: FilterSettings,
        response: { 200: FilterSettings, ...commonErrors },
      },
    },
    async (request) => {
      const p = principalOf(request);
      await limitOrRefuse(m.rateLimiter, `mod:${p.userId}`, ModerationRateRules.actionPerUser);
      return m.filters.set(p, request.params.id, request.body);
    },
  );

  app.post<Id & { Body: { text: string } }>(
    '/api/communities/:id/filter/check',
    {
      schema: {
        ...base,
        summary: 'Try a text against the filter without sending it',
        params: IdParams,
        body: FilterCheckBody,
        response: { 200: FilterCheckView, ...commonErrors },
      },
    },
    async (request) => {
      const p = principalOf(request);
      await limitOrRefuse(m.rateLimiter, `mod:${p.userId}`, ModerationRateRules.actionPerUser);
      return m.filters.check(p, request.params.id, request.body.text);
    },
  );
}
