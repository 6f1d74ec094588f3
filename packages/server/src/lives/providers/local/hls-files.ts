/**
 * Serves the local provider's playlists and segments (MediaFiles): every request's playback token is
 * verified with its channel's secret (cached briefly, so a segment request costs no database round trip),
 * and only the names the packager writes are read, from the channel's own folder.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../../errors.ts';
import type { Runtime } from '../../../runtime.ts';
import type { LocalChannelsRepo } from '../../../storage/lives-repositories.ts';
import type { MediaFile, MediaFiles } from '../../media-files.ts';
import { CHANNEL_ID, PLAYLIST, SEGMENT_NAME } from './hls-names.ts';
import { verifyPlayback } from './playback-token.ts';

/** How long a channel's secret (or its absence) is cached. */
const SECRET_TTL_MS = 5000;
const MAX_CACHED = 10_000;
/** Longer than any token we sign: a wrong length is refused before any work. */
const MAX_TOKEN_CHARS = 1024;

export class HlsFiles implements MediaFiles {
  private readonly secrets = new Map<string, { secret: Uint8Array | undefined; at: number }>();

  constructor(private readonly deps: { channels: LocalChannelsRepo; runtime: Runtime; hlsDir: string }) {}

  async read(channelId: string, token: string, name: string): Promise<MediaFile> {
    if (!CHANNEL_ID.test(channelId)) throw new AppError('not_found', 'No such live');
    if (token.length === 0 || token.length > MAX_TOKEN_CHARS) {
      throw new AppError('forbidden', 'The playback token is not valid');
    }
    const secret = await this.secret(channelId);
    if (secret === undefined) throw new AppError('not_found', 'No such live, or it has ended');
    await verifyPlayback(secret, token, channelId, this.deps.runtime.now());
    const playlist = name === PLAYLIST;
    if (!playlist && !SEGMENT_NAME.test(name)) throw new AppError('not_found', 'No such file');
    let body: Buffer;
    try {
      body = await readFile(path.join(this.deps.hlsDir, channelId, name));
    } catch {
      throw new AppError('not_found', playlist ? 'The live is not on air yet' : 'No such segment');
    }
    return playlist
      ? { body, contentType: 'application/vnd.apple.mpegurl', cacheControl: 'no-cache' }
      : { body, contentType: 'video/mp2t', cacheControl: 'private, max-age=60' };
  }

  private async secret(channelId: string): Promise<Uint8Array | undefined> {
    const now = this.deps.runtime.now();
    const hit = this.secrets.get(channelId);
    if (hit !== undefined && now - hit.at < SECRET_TTL_MS) return hit.secret;
    const c = await this.deps.channels.byId(channelId);
    const secret = c && c.revokedAt === null ? Buffer.from(c.secret, 'base64url') : undefined;
    if (this.secrets.size >= MAX_CACHED) this.secrets.clear();
    this.secrets.set(channelId, { secret, at: now });
    return secret;
  }
}
