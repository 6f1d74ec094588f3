/**
 * Settings for the C library's memory allocator (glibc's malloc), which it reads from the environment when the
 * process starts, before any JavaScript runs: a server cannot set them for itself, whoever starts it does. The
 * Docker image sets them (deploy/Dockerfile, checked by its test), the `--workers` primary hands them to the
 * workers it forks, and the benchmark starts every server it measures, Lightstick's and the peers', with them.
 *
 * MALLOC_TRIM_THRESHOLD_: glibc raises its trim threshold on its own each time a large block is freed, and
 * then keeps up to that much freed memory at the top of the heap instead of giving it back. A gateway frees
 * such blocks when it compiles its code and the language detector's tables, so it went on holding ~10 MB it no
 * longer used: a gateway that has served its first join at 129–131 MB RSS with glibc's default and 119–121 MB
 * with the threshold fixed at 128 KiB, glibc's own starting value; idle, 82–83 MB and 80–81 MB. With 16 700
 * connections the difference is lost in how V8's heap rises and falls (docs/benchmarks.md, stop 26).
 * Setting it also stops glibc from moving its mmap threshold, so blocks of 128 KiB and more keep being mapped
 * and unmapped one by one, as they are before the first large free; a gateway makes few of them.
 * Other C libraries (musl) ignore it.
 */
export const ALLOCATOR_ENV: Readonly<Record<string, string>> = { MALLOC_TRIM_THRESHOLD_: '131072' };

/** The allocator settings `env` does not set itself (an operator's own value wins). */
export function allocatorEnvFor(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(ALLOCATOR_ENV).filter(([name]) => env[name] === undefined));
}
