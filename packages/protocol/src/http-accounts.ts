/**
 * HTTP shapes of accounts and tokens (docs/http-api.md). Request bodies carry only generous length caps: the
 * account rules themselves (2-24 characters, scripts, reserved names) are the server's, with clear messages.
 */
import { Type, type Static } from '@sinclair/typebox';
import { IsoTime } from './kit.ts';

export const UserView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  displayName: Type.String(),
  admin: Type.Boolean(),
  creator: Type.Boolean({ description: 'May create official communities (an admin grants it)' }),
  createdAt: IsoTime(),
});
export type UserView = Static<typeof UserView>;

export const TokenPair = Type.Object({
  accessToken: Type.String({ description: 'RS256 JWT; send as `Authorization: Bearer <token>`' }),
  expiresIn: Type.Integer({ description: 'Seconds until the access token expires' }),
  refreshToken: Type.String({
    description:
      'One use only: each refresh answers a new one. Empty when the request carried `X-Lightstick-CSRF: 1` ' +
      '(a browser in cookie mode): the HttpOnly cookie `ls_refresh` is then its only copy',
  }),
});
export type TokenPair = Static<typeof TokenPair>;

export const AuthResponse = Type.Composite([TokenPair, Type.Object({ user: UserView })]);
export type AuthResponse = Static<typeof AuthResponse>;

export const RegisterBody = Type.Object({
  username: Type.String({ maxLength: 256 }),
  password: Type.String({ maxLength: 1024 }),
  displayName: Type.Optional(Type.String({ maxLength: 512 })),
});
export type RegisterBody = Static<typeof RegisterBody>;

export const LoginBody = Type.Object({
  username: Type.String({ maxLength: 256 }),
  password: Type.String({ maxLength: 1024 }),
});
export type LoginBody = Static<typeof LoginBody>;

/**
 * Body of refresh and logout. `refreshToken` may be left out when the `ls_refresh` cookie carries it (with the
 * header `X-Lightstick-CSRF: 1`).
 */
export const RefreshBody = Type.Object({
  refreshToken: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
});
export type RefreshBody = Static<typeof RefreshBody>;

/** Body of `PUT /api/me/password`: the current password proves the caller; every other sign-in ends. */
export const ChangePasswordBody = Type.Object({
  currentPassword: Type.String({ maxLength: 1024 }),
  newPassword: Type.String({ maxLength: 1024 }),
});
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

/** Answer of ending sign-ins (`POST /api/auth/logout-all`, an admin's revocation): how many were ended. */
export const SessionsEnded = Type.Object({
  ended: Type.Integer({ minimum: 0, description: 'Sign-ins ended (their sockets closed, tokens refused)' }),
});
export type SessionsEnded = Static<typeof SessionsEnded>;
