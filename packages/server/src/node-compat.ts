/**
 * Node 21 and later define `navigator` (`userAgent` 'Node.js/22' and the like); Node 20, which this project
 * supports, does not. Without it, pg asks whether it runs in a Cloudflare Worker by building a `Response`, and
 * that first touch of Node's lazy `Response` global loads its whole fetch implementation (undici with its
 * WebAssembly HTTP parser): about 9.6 MB of RSS in every process that talks to PostgreSQL, a gateway included,
 * for nothing it uses (docs/benchmarks.md, "Stop 42"). So the server's entry defines the object Node 21+ has,
 * with the same fields, and every library takes the path it takes on a newer Node. A newer Node's own object is
 * left alone.
 */
import { availableParallelism } from 'node:os';

export function defineNodeNavigator(): void {
  if ('navigator' in globalThis) return;
  Object.defineProperty(globalThis, 'navigator', {
    configurable: true,
    enumerable: true,
    value: Object.freeze({
      hardwareConcurrency: availableParallelism(),
      // A getter, as Node's: loading the locale data costs memory too, and only a reader should pay it.
      get language() {
        return Intl.DateTimeFormat().resolvedOptions().locale;
      },
      platform: process.platform,
      userAgent: `Node.js/${process.versions.node.split('.')[0]}`,
    }),
  });
}
