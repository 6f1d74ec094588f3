/**
 * The built web app at /, with the single-page-app fallback: an unknown GET outside /api that looks like a
 * page (no file extension) answers index.html so client-side routes survive a reload. The build leaves a
 * brotli and a gzip copy beside each text file (preCompressed: sent when the browser accepts them), and
 * names its assets by content hash: those are cached for a year, index.html is revalidated on every load.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export async function registerStatic(app: FastifyInstance, webDir: string): Promise<boolean> {
  const root = path.resolve(webDir);
  if (!existsSync(path.join(root, 'index.html'))) {
    app.log.warn({ webDir: root }, 'web app not built: no index.html, serving the API only');
    return false;
  }
  // Loaded only with the web role: a gateway or api process never holds the static file server.
  const { default: fastifyStatic } = await import('@fastify/static');
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: true,
    index: ['index.html'],
    preCompressed: true,
    cacheControl: false, // ours, from setHeaders
    setHeaders: (res, file) => {
      res.setHeader('cache-control', cacheControl(file));
    },
  });
  return true;
}

/** A content-hashed asset (`app-7QX2ABCD.js`) never changes under its name; everything else is revalidated. */
export function cacheControl(file: string): string {
  return /-[A-Z0-9]{8}\.(js|css)(\.br|\.gz)?$/.test(path.basename(file))
    ? 'public, max-age=31536000, immutable'
    : 'no-cache';
}

export function wantsSpaFallback(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const pathname = request.url.split('?')[0] ?? '/';
  if (pathname === '/api' || pathname.startsWith('/api/') || pathname === '/ws') return false;
  if (pathname.startsWith('/media/')) return false; // HLS: a wrong URL is a 404, not the app
  return path.extname(pathname) === '';
}

export function sendIndex(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-cache').sendFile('index.html');
}
