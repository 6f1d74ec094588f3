/**
 * Playback tokens of the local provider: HS256 JWTs (jose) signed with the channel's own secret, naming the
 * viewer, the live and the channel, and expiring. They ride in the playback URL's path
 * (/media/hls/<channel>/<token>/index.m3u8), so the relative segment URIs of the playlist carry the token
 * too and every playlist and segment request is checked without rewriting playlists. A token works only
 * for its channel; a channel's secret dies with it.
 */
import { SignJWT, errors, jwtVerify } from 'jose';
import { AppError } from '../../../errors.ts';

const AUDIENCE = 'lightstick-playback';
const ALG = 'HS256';

export interface PlaybackClaims {
  userId: string;
  liveId: string;
  channelId: string;
}

export async function signPlayback(
  secret: Uint8Array,
  claims: PlaybackClaims,
  nowMs: number,
  ttlSec: number,
): Promise<{ token: string; expiresAt: number }> {
  const iat = Math.floor(nowMs / 1000);
  const exp = iat + ttlSec;
  const token = await new SignJWT({ live: claims.liveId, ch: claims.channelId })
    .setProtectedHeader({ alg: ALG })
    .setSubject(claims.userId)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(secret);
  return { token, expiresAt: exp * 1000 };
}

/** Throws AppError('forbidden') for a forged, expired, malformed or other channel's token. */
export async function verifyPlayback(
  secret: Uint8Array,
  token: string,
  channelId: string,
  nowMs: number,
): Promise<PlaybackClaims> {
  try {
    const { payload } = await jwtVerify(token, secret, {
      algorithms: [ALG],
      audience: AUDIENCE,
      currentDate: new Date(nowMs),
      requiredClaims: ['sub', 'exp'],
    });
    if (payload.ch !== channelId || typeof payload.live !== 'string' || typeof payload.sub !== 'string') {
      throw new AppError('forbidden', 'This playback token is for another live');
    }
    return { userId: payload.sub, liveId: payload.live, channelId };
  } catch (e) {
    if (e instanceof AppError) throw e;
    if (e instanceof errors.JWTExpired) throw new AppError('forbidden', 'The playback token has expired');
    throw new AppError('forbidden', 'The playback token is not valid');
  }
}
