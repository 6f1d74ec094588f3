/** Reports and the review queue over HTTP (docs/moderation.md). */
import {
  ReportBody,
  ReportView,
  ReportsPage,
  ReportsQuery,
  ResolveReportBody,
  ChildParams,
  IdParams,
} from '@lightstick/protocol';
import type { FastifyInstance } from 'fastify';
import type { ModerationServices } from '../../moderation/moderation-services.ts';
import { limitOrRefuse } from '../../moderation/limit.ts';
import { ModerationRateRules } from '../../moderation/rate-rules.ts';
import { principalOf } from '../auth-plugin.ts';
import { bearer, commonErrors } from '../schemas.ts';

export function reportRoutes(app: FastifyInstance, m: ModerationServices): void {
  const base = { tags: ['moderation'], security: bearer };

  app.post<{ Params: { id: string }; Body: ReportBody }>(
    '/api/rooms/:id/reports',
    {
      schema: {
        ...base,
        summary: 'Report a message of the room (anyone who may read it); again answers the first report',
        params: IdParams,
        body: ReportBody,
        response: { 201: ReportView, 200: ReportView, ...commonErrors },
      },
    },
    async (request, reply) => {
      const { report, created } = await m.reports.report(
        principalOf(request),
        request.params.id,
        request.body,
      );
      return reply.code(created ? 201 : 200).send(report);
    },
  );

  app.get<{ Params: { id: string }; Querystring: ReportsQuery }>(
    '/api/communities/:id/reports',
    {
      schema: {
        ...base,
        summary: 'The report and review queue, oldest first (moderators and up)',
        params: IdParams,
        querystring: ReportsQuery,
        response: { 200: ReportsPage, ...commonErrors },
      },
    },
    async (request) => {
      const { status, limit, after } = request.query;
      const page = await m.reports.list(principalOf(request), request.params.id, {
        limit,
        ...(status !== undefined ? { status } : {}),
        ...(after !== undefined ? { after } : {}),
      });
      return { reports: page.items, next: page.next };
    },
  );

  app.put<{ Params: { id: string; reportId: string }; Body: ResolveReportBody }>(
    '/api/communities/:id/reports/:reportId',
    {
      schema: {
        ...base,
        summary: 'Settle a report: resolved or dismissed; a held message: approved (published) or rejected',
        params: ChildParams('reportId'),
        body: ResolveReportBody,
        response: { 200: ReportView, ...commonErrors },
      },
    },
    async (request) => {
      const p = principalOf(request);
      await limitOrRefuse(m.rateLimiter, `mod:${p.userId}`, ModerationRateRules.actionPerUser);
      return m.reports.resolve(p, request.params.id, request.params.reportId, request.body);
    },
  );
}
