/**
 * fetch with a deadline, for the API client. After a silent network loss the browser may keep a pooled
 * HTTP connection that will never answer; without a deadline a page load (the archive after a gap, say)
 * waits for minutes. A GET that times out is tried once more (on a fresh connection: the browser drops the
 * aborted one); other methods are not repeated, since the server may have acted on them.
 */
export const FETCH_DEADLINE_MS = 10_000;

export const patientFetch: typeof fetch = async (input, init) => {
  const once = () => fetch(input, { ...init, signal: AbortSignal.timeout(FETCH_DEADLINE_MS) });
  const method = (init?.method ?? 'GET').toUpperCase();
  try {
    return await once();
  } catch (err) {
    if (method !== 'GET' || (err as Error).name !== 'TimeoutError') throw err;
    return once();
  }
};
