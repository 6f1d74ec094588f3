/**
 * What the routes add around the wire shapes. Every body, query and answer is a TypeBox schema from
 * @lightstick/protocol (one definition: it validates the request, serialises the answer, types the handler
 * through the TypeBox type provider and feeds /api/openapi.json); this file only groups the error answers
 * each route documents and names the bearer security requirement.
 */
import { HttpError } from '@lightstick/protocol';

/** Every authenticated route may answer these. */
export const commonErrors = {
  400: HttpError,
  401: HttpError,
  403: HttpError,
  404: HttpError,
  409: HttpError,
  429: HttpError,
  500: HttpError,
  503: HttpError,
} as const;

/** The public account routes (register, login, refresh, logout). */
export const publicErrors = {
  400: HttpError,
  401: HttpError,
  409: HttpError,
  429: HttpError,
  500: HttpError,
  503: HttpError,
} as const;

/** Routes that reach a third-party provider may also answer 502 provider_error. */
export const providerErrors = { ...commonErrors, 502: HttpError } as const;

export const bearer = [{ bearerAuth: [] }];
