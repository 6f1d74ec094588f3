/**
 * One error shape for every HTTP answer: `{ error: { code, message, details? } }` with the status from the
 * registry. Fastify's own failures (validation, JSON, body size, media type) are mapped to stable codes;
 * anything unexpected is logged and answered as `internal` without a stack.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '@lightstick/protocol';
import { HTTP_STATUS, isAppError, type AppError } from '../errors.ts';
import type { Services } from '../services.ts';

export interface HttpErrorAnswer {
  status: number;
  code: ErrorCode;
  message: string;
  details?: unknown;
  retryAfterMs?: number;
}

export function toHttpError(err: unknown): HttpErrorAnswer {
  if (isAppError(err)) return fromAppError(err);
  const e = err as Partial<FastifyError>;
  if (e.validation) {
    const first = e.validation[0];
    const missing = (first?.params as { missingProperty?: string } | undefined)?.missingProperty;
    const path = first?.instancePath?.replace(/^\//, '').replace(/\//g, '.');
    const field = missing ?? (path || e.validationContext || 'body');
    return {
      status: 400,
      code: 'validation_failed',
      message: e.message ?? 'Invalid request',
      details: { field },
    };
  }
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, code: 'bad_request', message: 'The body is not valid JSON' };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'message_too_long', message: 'The request body is too large' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 400, code: 'bad_request', message: 'Send the body as application/json' };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, code: 'bad_request', message: 'Content-Length does not match the body' };
    default:
      break; // mapped below by status
  }
  // JSON parse errors from the prototype-poisoning guard, and other client errors Fastify flags with a 4xx.
  if (
    err instanceof SyntaxError ||
    (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500)
  ) {
    return { status: 400, code: 'bad_request', message: e.message ?? 'Bad request' };
  }
  return { status: HTTP_STATUS.internal, code: 'internal', message: 'Something went wrong on our side' };
}

function fromAppError(err: AppError): HttpErrorAnswer {
  const answer: HttpErrorAnswer = { status: err.status, code: err.code, message: err.message };
  if (err.details !== undefined) answer.details = err.details;
  if (err.retryAfterMs !== undefined) {
    answer.retryAfterMs = err.retryAfterMs;
    answer.details = { ...(isRecord(err.details) ? err.details : {}), retryAfterMs: err.retryAfterMs };
  }
  return answer;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export function sendError(reply: FastifyReply, answer: HttpErrorAnswer): FastifyReply {
  if (answer.retryAfterMs !== undefined) {
    reply.header('retry-after', String(Math.max(1, Math.ceil(answer.retryAfterMs / 1000))));
  }
  if (answer.status === 401) reply.header('www-authenticate', 'Bearer');
  const error: { code: string; message: string; details?: unknown } = {
    code: answer.code,
    message: answer.message,
  };
  if (answer.details !== undefined) error.details = answer.details;
  return reply.code(answer.status).type('application/json; charset=utf-8').send({ error });
}

export function installErrorHandler(
  app: FastifyInstance,
  services: Pick<Services, 'metrics' | 'logger'>,
): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const answer = toHttpError(err);
    if (answer.code === 'internal') {
      // The stack goes to the log, never to the client.
      request.log.error({ err, route: request.routeOptions.url }, 'unhandled error');
    }
    services.metrics.errors.inc({ code: answer.code, surface: 'http' });
    return sendError(reply, answer);
  });
}

/** The answer for a route that does not exist. */
export function notFound(request: FastifyRequest): HttpErrorAnswer {
  return {
    status: 404,
    code: 'not_found',
    message: `No route for ${request.method} ${request.url.split('?')[0]}`,
  };
}
