/**
 * What the HTTP face serves under /media/hls/: the playlists and segments of the local provider, each
 * request checked against its playback token. Implemented by the local provider (processes with the media
 * role); the face only maps answers and errors.
 */
export interface MediaFile {
  body: Buffer;
  contentType: string;
  cacheControl: string;
}

export interface MediaFiles {
  /**
   * The file `name` of `channelId`, when `token` is a valid, unexpired playback token for that channel.
   * Throws AppError('forbidden') for a missing, forged, expired or foreign token, and AppError('not_found')
   * for an unknown name, channel or file (a live that ended has none).
   */
  read(channelId: string, token: string, name: string): Promise<MediaFile>;
}
