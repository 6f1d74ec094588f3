/** How long the client keeps retrying what the server refused with a passing error. */

/** `not_joined` answers tolerated per send before giving up, so a confused server cannot loop us. */
export const MAX_NOT_JOINED = 5;
/** `unavailable` answers in a row per send before it is rejected (about a minute of backoff in all). */
export const MAX_UNAVAILABLE = 12;
/** Delays between retries of a send or a re-join refused with `unavailable`. */
export const UNAVAILABLE_BACKOFF = { baseMs: 250, capMs: 8000 };
