/**
 * The names the local provider's files and folders may have: the packager writes them, the HLS file server
 * reads only those. Kept apart from the packager and the ingest so the file server (any process with the
 * media role's routes) does not load RTMP (node-media-server) with them.
 */

/** Channel ids are ids of runtime.id(): also safe as folder names. */
export const CHANNEL_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const PLAYLIST = 'index.m3u8';

/** The segment file names a packager writes. */
export const SEGMENT_NAME = /^p[a-z0-9]+-\d{1,12}\.ts$/;
