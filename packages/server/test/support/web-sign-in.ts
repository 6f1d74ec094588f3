/**
 * Signs a Chromium context in as the web app would be after a sign-in, without the sign-in screens: a sign-in
 * of its own (two contexts never share a refresh token, which the server would revoke as reused on the
 * second's refresh), its refresh token as the HttpOnly `ls_refresh` cookie the server sets, and the user where
 * the app keeps it across page loads. The app then restores the session by cookie on its first page load.
 */
import assert from 'node:assert/strict';
import type { BrowserContext } from 'playwright-core';
import type { AuthResponse } from '@lightstick/protocol';
import { http } from './api.ts';

export async function signInContext(
  ctx: BrowserContext,
  base: string,
  username: string,
  password: string,
): Promise<AuthResponse> {
  const login = await http<AuthResponse>(base, 'POST', '/api/auth/login', { body: { username, password } });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  await ctx.addCookies([
    {
      name: 'ls_refresh',
      value: login.body.refreshToken,
      domain: new URL(base).hostname,
      path: '/api/auth',
      httpOnly: true,
      secure: true,
      sameSite: 'Strict',
    },
  ]);
  await ctx.addInitScript((user) => {
    if (!localStorage.getItem('lightstick.user')) localStorage.setItem('lightstick.user', user);
  }, JSON.stringify(login.body.user));
  return login.body;
}
