/** Accounts: register, login, refresh, logout, me. Public except /api/me. */
import type { FastifyInstance } from 'fastify';
import type { AuthService } from '../../auth/auth-service.ts';
import { principalOf } from '../auth-plugin.ts';
import { authResponse, bearer, commonErrors, errorBody, userView } from '../schemas.ts';

const publicErrors = {
  400: errorBody,
  401: errorBody,
  409: errorBody,
  429: errorBody,
  500: errorBody,
  503: errorBody,
};
const refreshBody = {
  type: 'object',
  required: ['refreshToken'],
  properties: { refreshToken: { type: 'string', minLength: 1, maxLength: 256 } },
} as const;

export function authRoutes(app: FastifyInstance, auth: AuthService): void {
  app.post<{ Body: { username: string; password: string; displayName?: string } }>(
    '/api/auth/register',
    {
      config: { auth: false },
      schema: {
        tags: ['auth'],
        summary: 'Create an account and sign in',
        description:
          'Rate-limited per address. Username: 2-24 characters (letters of any script, digits, emoji, _ . -).',
        body: {
          type: 'object',
          required: ['username', 'password'],
          properties: {
            username: { type: 'string', maxLength: 256 },
            password: { type: 'string', maxLength: 1024 },
            displayName: { type: 'string', maxLength: 512 },
          },
        },
        response: { 201: authResponse, ...publicErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await auth.register(request.body, request.ip)),
  );

  app.post<{ Body: { username: string; password: string } }>(
    '/api/auth/login',
    {
      config: { auth: false },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with username and password',
        description:
          'Rate-limited per account and per address; a wrong password and an unknown user answer alike.',
        body: {
          type: 'object',
          required: ['username', 'password'],
          properties: {
            username: { type: 'string', maxLength: 256 },
            password: { type: 'string', maxLength: 1024 },
          },
        },
        response: { 200: authResponse, ...publicErrors },
      },
    },
    async (request) => auth.login(request.body, request.ip),
  );

  app.post<{ Body: { refreshToken: string } }>(
    '/api/auth/refresh',
    {
      config: { auth: false },
      schema: {
        tags: ['auth'],
        summary: 'Trade a refresh token for a new token pair',
        description: 'Each refresh token works once; using one twice revokes every token of that sign-in.',
        body: refreshBody,
        response: { 200: authResponse, ...publicErrors },
      },
    },
    async (request) => auth.refresh(request.body.refreshToken),
  );

  app.post<{ Body: { refreshToken: string } }>(
    '/api/auth/logout',
    {
      config: { auth: false },
      schema: {
        tags: ['auth'],
        summary: 'Revoke the sign-in behind a refresh token',
        description: 'Idempotent: an unknown or already revoked token also answers 204.',
        body: refreshBody,
        response: { 204: { type: 'null', description: 'Signed out' }, ...publicErrors },
      },
    },
    async (request, reply) => {
      await auth.logout(request.body.refreshToken);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user',
        security: bearer,
        response: { 200: userView, ...commonErrors },
      },
    },
    async (request) => auth.me(principalOf(request)),
  );
}
