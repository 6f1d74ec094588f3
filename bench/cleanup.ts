/** What a scenario has started and must stop, so a deadline or Ctrl-C never leaves processes behind. */
const active = new Set<() => Promise<void>>();

/** Registers a stop function; returns the function that stops it and unregisters it. */
export function track(stop: () => Promise<void>): () => Promise<void> {
  active.add(stop);
  return async () => {
    active.delete(stop);
    await stop();
  };
}

/** Stops everything still registered, giving up after `ms`. */
export async function stopAll(ms = 15_000): Promise<void> {
  const all = [...active];
  active.clear();
  await Promise.race([Promise.allSettled(all.map((s) => s())), new Promise((r) => setTimeout(r, ms))]);
}
