/** Accounts: register, login, refresh, logout, me. Public except /api/me. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  AuthResponse,
  ChangePasswordBody,
  LoginBody,
  RefreshBody,
  RegisterBody,
  SessionsEnded,
  UserView,
} from '@lightstick/protocol';
import type { AuthService } from '../../auth/auth-service.ts';
import { principalOf } from '../auth-plugin.ts';
import { bearer, commonErrors, publicErrors } from '../schemas.ts';
import { clearRefreshCookie, refreshTokenOf, withRefreshCookie } from '../refresh-cookie.ts';

export function authRoutes(fastify: FastifyInstance, auth: AuthService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/api/auth/register',
    {
      config: { auth: false },
      schema: {
        tags: ['auth'],
        summary: 'Create an account and sign in',
        description:
          'Rate-limited per address. Username: 2-24 characters (letters of any script, digits, emoji, _ . -).',
        body: RegisterBody,
        response: { 201: AuthResponse, ...publicErrors },
      },
    },
    async (request, reply) => {
      const answer = await auth.register(request.body, request.ip);
      return reply.code(201).send(withRefreshCookie(request, reply, answer, auth.refreshTtlSec));
    },
  );

  app.post(
    '/api/auth/login',
    {
      config: { auth: false },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with username and password',
        description:
          'Rate-limited per account and per address; a wrong password and an unknown user answer alike.',
        body: LoginBody,
        response: { 200: AuthResponse, ...publicErrors },
      },
    },
    async (request, reply) => {
      const answer = await auth.login(request.body, request.ip);
      return withRefreshCookie(request, reply, answer, auth.refreshTtlSec);
    },
  );

  app.post(
    '/api/auth/refresh',
    {
      config: { auth: false },
      schema: {
        tags: ['auth'],
        summary: 'Trade a refresh token for a new token pair',
        description: 'Each refresh token works once; using one twice revokes every token of that sign-in.',
        body: RefreshBody,
        response: { 200: AuthResponse, ...publicErrors },
      },
    },
    async (request, reply) => {
      const answer = await auth.refresh(refreshTokenOf(request, request.body));
      return withRefreshCookie(request, reply, answer, auth.refreshTtlSec);
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { auth: false },
      schema: {
        tags: ['auth'],
        summary: 'End the sign-in behind a refresh token',
        description:
          'Its refresh tokens and access tokens stop working and its WebSocket connections close (4003) on ' +
          'every gateway at once. Idempotent: an unknown or already revoked token also answers 204.',
        body: RefreshBody,
        response: { 204: Type.Null({ description: 'Signed out' }), ...publicErrors },
      },
    },
    async (request, reply) => {
      await auth.logout(refreshTokenOf(request, request.body));
      clearRefreshCookie(reply);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/auth/logout-all',
    {
      schema: {
        tags: ['auth'],
        summary: 'End every sign-in of the caller, this one included',
        description: 'Every refresh and access token of the account stops working; its sockets close (4003).',
        security: bearer,
        response: { 200: SessionsEnded, ...commonErrors },
      },
    },
    async (request) => ({ ended: await auth.logoutAll(principalOf(request)) }),
  );

  app.put(
    '/api/me/password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change the password',
        description:
          'Needs the current password (`invalid_credentials` when wrong; 5 tries per 15 minutes per account). ' +
          'Every other sign-in of the account ends; this one stays.',
        security: bearer,
        body: ChangePasswordBody,
        response: { 204: Type.Null({ description: 'Changed' }), ...commonErrors },
      },
    },
    async (request, reply) => {
      await auth.changePassword(principalOf(request), request.body, request.ip);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user',
        security: bearer,
        response: { 200: UserView, ...commonErrors },
      },
    },
    async (request) => auth.me(principalOf(request)),
  );
}
