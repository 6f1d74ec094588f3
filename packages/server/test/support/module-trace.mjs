// Loaded into a server process with `node --import <this file>`: appends the URL of every ES module the process
// loads, one per line, to the file named by LIGHTSTICK_TEST_MODULE_TRACE (tests of what a role loads, e.g. that
// a gateway-only process never loads Fastify). At exit it adds Node's own bundled dependencies the process
// loaded, as one `deps-at-exit:` line (undici is one: global fetch and `Response` load it on first touch), and
// the `Intl` objects it built, as one `intl-at-exit:` line (each kind maps ICU data the first time it is built),
// and its calls of the `Date` methods that map ICU's time-zone data, as one `date-at-exit:` line.
// Plain JavaScript, so the compiled server needs no loader for it.
// The same file is the hooks module: Node runs it again on its hooks thread, where it only records.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

let file;

if (isMainThread && process.env.LIGHTSTICK_TEST_MODULE_TRACE) {
  const trace = process.env.LIGHTSTICK_TEST_MODULE_TRACE;
  register(import.meta.url, { data: trace });
  const built = countIntlObjects();
  const dated = countDateCalls();
  process.on('exit', () => {
    const deps = process.moduleLoadList.filter((m) => m.includes('internal/deps/'));
    appendFileSync(trace, `deps-at-exit:${deps.join(',')}\n`);
    appendFileSync(trace, `intl-at-exit:${counts(built)}\n`);
    appendFileSync(trace, `date-at-exit:${counts(dated)}\n`);
  });
}

/** A count by name as the exit lines write it: `Segmenter=1,NumberFormat=2`. */
const counts = (byName) => [...byName].map(([name, n]) => `${name}=${n}`).join(',');

/** Wraps Intl's constructors (before the server loads) to count what is built, by kind. */
function countIntlObjects() {
  const built = new Map();
  for (const kind of [
    'Segmenter',
    'DateTimeFormat',
    'Collator',
    'NumberFormat',
    'PluralRules',
    'ListFormat',
  ]) {
    Intl[kind] = new Proxy(Intl[kind], {
      construct(target, args, newTarget) {
        built.set(kind, (built.get(kind) ?? 0) + 1);
        return Reflect.construct(target, args, newTarget);
      },
    });
  }
  return built;
}

/**
 * Wraps the `Date` methods that work out the local time zone or its name on Node 20, even those that print UTC
 * (src/utc-time.ts says why), to count their calls by name; `toJSON` calls `toISOString`.
 */
function countDateCalls() {
  const called = new Map();
  for (const name of [
    'toISOString',
    'toUTCString',
    'toString',
    'toDateString',
    'toTimeString',
    'toLocaleString',
    'toLocaleDateString',
    'toLocaleTimeString',
    'getTimezoneOffset',
  ]) {
    const original = Date.prototype[name];
    Date.prototype[name] = function (...args) {
      called.set(name, (called.get(name) ?? 0) + 1);
      return original.apply(this, args);
    };
  }
  return called;
}

export function initialize(data) {
  file = data;
}

export async function load(url, context, nextLoad) {
  if (file) appendFileSync(file, `${url}\n`);
  return nextLoad(url, context);
}
