/** Lives: create and list per community; get, rotate the key, end and play one. See docs/video.md. */
import type { FastifyInstance } from 'fastify';
import {
  CreateLiveBody,
  LiveListQuery,
  LiveList,
  LiveView,
  PlaybackView,
  ProvidersView,
} from '@lightstick/protocol';
import type { LiveService } from '../../lives/live-service.ts';
import { principalOf } from '../auth-plugin.ts';
import { IdParams } from '@lightstick/protocol';
import { bearer, commonErrors } from '../schemas.ts';

type Id = { Params: { id: string } };

export function liveRoutes(app: FastifyInstance, lives: LiveService): void {
  const base = { tags: ['lives'], security: bearer };

  app.get(
    '/api/providers',
    {
      schema: {
        ...base,
        summary: 'The video providers configured here, and the default one',
        response: { 200: ProvidersView, ...commonErrors },
      },
    },
    async () => lives.providers(),
  );

  app.post<Id & { Body: CreateLiveBody }>(
    '/api/communities/:id/lives',
    {
      schema: {
        ...base,
        summary: 'Create a live with its own chat room (artists, moderators, owners, admins)',
        description:
          'The answer includes `ingest` (RTMP URL and stream key): staff only, never logged. A provider that ' +
          'is not configured is `validation_failed` (field `provider`); a provider failure is `provider_error`.',
        params: IdParams,
        body: CreateLiveBody,
        response: { 201: LiveView, 502: commonErrors[500], ...commonErrors },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await lives.create(principalOf(request), request.params.id, request.body)),
  );

  app.get<Id & { Querystring: { limit: number } }>(
    '/api/communities/:id/lives',
    {
      schema: {
        ...base,
        summary: 'Lives of a community: on air first, then scheduled, then past',
        description: 'Staff get `ingest` for lives not ended; everyone else never does.',
        params: IdParams,
        querystring: LiveListQuery,
        response: { 200: LiveList, ...commonErrors },
      },
    },
    async (request) => ({
      lives: await lives.list(principalOf(request), request.params.id, request.query.limit),
    }),
  );

  app.get<Id>(
    '/api/lives/:id',
    {
      schema: {
        ...base,
        summary: 'One live (with `ingest` for staff while it is not ended)',
        params: IdParams,
        response: { 200: LiveView, 502: commonErrors[500], ...commonErrors },
      },
    },
    async (request) => lives.get(principalOf(request), request.params.id),
  );

  app.post<Id>(
    '/api/lives/:id/key',
    {
      schema: {
        ...base,
        summary: 'Rotate the stream key (staff): the old key stops at once, a publish with it included',
        params: IdParams,
        response: { 200: LiveView, 502: commonErrors[500], ...commonErrors },
      },
    },
    async (request) => lives.rotateKey(principalOf(request), request.params.id),
  );

  app.post<Id>(
    '/api/lives/:id/end',
    {
      schema: {
        ...base,
        summary: 'End the live (staff); ending an ended live answers it as it is',
        params: IdParams,
        response: { 200: LiveView, ...commonErrors },
      },
    },
    async (request) => lives.end(principalOf(request), request.params.id),
  );

  app.get<Id>(
    '/api/lives/:id/playback',
    {
      schema: {
        ...base,
        summary: 'A playback URL for the caller, valid until expiresAt',
        description:
          'Public lives: anyone signed in. Members-only lives: members and staff, else 403 `forbidden`. ' +
          'An ended live is 409 `conflict`.',
        params: IdParams,
        response: { 200: PlaybackView, 502: commonErrors[500], ...commonErrors },
      },
    },
    async (request) => lives.playback(principalOf(request), request.params.id),
  );
}
