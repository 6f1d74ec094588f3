/**
 * The built web app at /, with the single-page-app fallback: an unknown GET outside /api that looks like a
 * page (no file extension) answers index.html so client-side routes survive a reload.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';

export async function registerStatic(app: FastifyInstance, webDir: string): Promise<boolean> {
  const root = path.resolve(webDir);
  if (!existsSync(path.join(root, 'index.html'))) {
    app.log.warn({ webDir: root }, 'web app not built: no index.html, serving the API only');
    return false;
  }
  await app.register(fastifyStatic, { root, prefix: '/', wildcard: true, index: ['index.html'] });
  return true;
}

export function wantsSpaFallback(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const pathname = request.url.split('?')[0] ?? '/';
  if (pathname === '/api' || pathname.startsWith('/api/') || pathname === '/ws') return false;
  return path.extname(pathname) === '';
}

export function sendIndex(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-cache').sendFile('index.html');
}
