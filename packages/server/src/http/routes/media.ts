/**
 * HLS of the local provider: GET /media/hls/<channel>/<token>/<file>. The playback token in the path is
 * checked on every playlist and segment request (relative segment URIs in the playlist keep it), so the
 * route needs no Authorization header and works in any HLS player. Served by processes with the media role.
 */
import type { FastifyInstance } from 'fastify';
import type { MediaFiles } from '../../lives/media-files.ts';
import { HttpError } from '@lightstick/protocol';

export function mediaRoutes(app: FastifyInstance, files: MediaFiles): void {
  app.get<{ Params: { channel: string; token: string; file: string } }>(
    '/media/hls/:channel/:token/:file',
    {
      config: { auth: false },
      schema: {
        tags: ['lives'],
        summary: 'Playlist (index.m3u8) or segment of a local live, behind its playback token',
        description:
          'The URL comes from GET /api/lives/{id}/playback. A missing, forged, expired or foreign token is ' +
          '403 `forbidden`; a live not on air yet or ended, or an unknown file, 404.',
        params: {
          type: 'object',
          required: ['channel', 'token', 'file'],
          properties: {
            channel: { type: 'string', maxLength: 64 },
            token: { type: 'string', maxLength: 1024 },
            file: { type: 'string', maxLength: 64 },
          },
        },
        produces: ['application/vnd.apple.mpegurl', 'video/mp2t'],
        response: {
          200: { description: 'The playlist or segment', type: 'string', format: 'binary' },
          403: HttpError,
          404: HttpError,
          500: HttpError,
          503: HttpError,
        },
      },
    },
    async (request, reply) => {
      const { channel, token, file } = request.params;
      // Tokens, not cookies, authorise: any origin may play (a CDN or another host in front).
      reply.header('access-control-allow-origin', '*');
      const f = await files.read(channel, token, file);
      return reply.type(f.contentType).header('cache-control', f.cacheControl).send(f.body);
    },
  );
}
