/**
 * Reads of one (community, user) pair each, gathered into one read of many users per community: the batching
 * under app/access-cache.ts. A fan's first join misses the cache and reads its membership and its sanctions, a
 * query each; when thousands of fans join at once (a live starting, the clients of a dead gateway coming back)
 * that was two PostgreSQL round trips per fan, and with 2 000 fans instead of the benchmark's 50 accounts a
 * join cost the gateway twice the CPU (issue 6, docs/benchmarks.md "Stop 45").
 *
 * DataLoader gathers the keys asked for; the schedule here sends a batch at the end of the loop's turn when no
 * read of its kind is in flight, and otherwise as soon as the one in flight is answered (or after MAX_WAIT_MS): a
 * quiet gateway waits for nothing, a busy one sends few, large reads (ioredis's automatic pipeline works the same
 * way). Nor does a batch leave sooner than MIN_GAP_MS after the last one of its kind (the rule of send-gap.ts):
 * fans joining one after another at a few hundred a second each found the read before answered and sent one of
 * their own (PostgreSQL counted ~1.3 index scans a join with fans' own accounts; with a 10 ms gap a join cost the
 * gateway 44 % less CPU, docs/benchmarks.md "Stop 46"). At ~90 joins a second per gateway (100 000 fans over
 * six) 10 ms still left ~0.8 queries a join; 50 ms leaves ~0.4 ("Stop 47"), and a join that misses waits at most
 * 50 ms more. The values are not kept here: the read-through cache above keeps them.
 * DataLoader is imported on the first read, not at start: an idle gateway holds no code it does not run (its
 * 60 MB budget, issue 6; docs/benchmarks.md "Stop 45").
 */
import type DataLoader from 'dataloader';
import { SendGap } from '../send-gap.ts';
import { MAX_IDS_AMONG } from '../storage/repositories.ts';

/** The longest a batch waits for the read in flight before it leaves anyway (the default of `maxWaitMs`). */
export const MAX_WAIT_MS = 250;
/** The least time between two reads of a kind (the default of `minGapMs`); the first after a pause waits none. */
export const MIN_GAP_MS = 50;

/** One key for a (community, user) pair; NUL appears in neither id. */
export const pairKey = (communityId: string, userId: string) => `${communityId}\u0000${userId}`;
const splitKey = (key: string) => key.split('\u0000') as [string, string];

/** Reads the users of one community asked for: a value for each one that has one. */
export type ReadAmong<T> = (communityId: string, userIds: readonly string[]) => Promise<Map<string, T>>;

/** `get(pairKey(community, user))` resolves to that user's value, or undefined when the read had none. */
export function pairBatcher<T>(
  readAmong: ReadAmong<T>,
  maxWaitMs = MAX_WAIT_MS,
  minGapMs = MIN_GAP_MS,
): (key: string) => Promise<T | undefined> {
  let inFlight: Promise<unknown> | undefined;
  const gap = new SendGap(minGapMs);
  const readBatch = async (keys: readonly string[]): Promise<(T | undefined | Error)[]> => {
    const users = new Map<string, Set<string>>();
    for (const key of keys) {
      const [community, user] = splitKey(key);
      const set = users.get(community);
      if (set === undefined) users.set(community, new Set([user]));
      else set.add(user);
    }
    // One read per community; a community whose read fails fails only its own keys.
    const communities = [...users];
    const results = await Promise.allSettled(
      communities.map(([community, set]) => readAmong(community, [...set])),
    );
    const settled = new Map(communities.map(([community], i) => [community, results[i]!]));
    return keys.map((key) => {
      const [community, user] = splitKey(key);
      const result = settled.get(community)!;
      if (result.status === 'fulfilled') return result.value.get(user);
      return result.reason instanceof Error ? result.reason : new Error(String(result.reason));
    });
  };
  const makeLoader = async (): Promise<DataLoader<string, T | undefined>> => {
    const { default: Loader } = await import('dataloader');
    return new Loader<string, T | undefined>(
      (keys) => {
        const run = readBatch(keys);
        inFlight = run;
        const done = () => {
          if (inFlight === run) inFlight = undefined;
        };
        run.then(done, done);
        return run;
      },
      {
        cache: false,
        maxBatchSize: MAX_IDS_AMONG,
        batchScheduleFn: (dispatch) => {
          const waitingOn = inFlight;
          // A read stuck until the database's query timeout (30 s) must not hold every join behind it.
          const timer = waitingOn === undefined ? undefined : setTimeout(() => send(), maxWaitMs).unref();
          let sent = false;
          const send = () => {
            if (sent) return;
            sent = true;
            clearTimeout(timer);
            gap.sent();
            dispatch();
          };
          const afterGap = () => {
            const wait = gap.waitMs();
            if (wait === 0) setImmediate(send);
            else setTimeout(send, wait);
          };
          if (waitingOn === undefined) afterGap();
          else waitingOn.then(afterGap, afterGap);
        },
      },
    );
  };
  let loader: Promise<DataLoader<string, T | undefined>> | undefined;
  const loaded = () =>
    (loader ??= makeLoader().catch((err: unknown) => {
      loader = undefined; // the next read tries the import again
      throw err;
    }));
  return async (key) => (await loaded()).load(key);
}
