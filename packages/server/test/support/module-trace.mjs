// Loaded into a server process with `node --import <this file>`: appends the URL of every ES module the process
// loads, one per line, to the file named by LIGHTSTICK_TEST_MODULE_TRACE (tests of what a role loads, e.g. that
// a gateway-only process never loads Fastify). At exit it adds Node's own bundled dependencies the process
// loaded, as one `deps-at-exit:` line (undici is one: global fetch and `Response` load it on first touch).
// Plain JavaScript, so the compiled server needs no loader for it.
// The same file is the hooks module: Node runs it again on its hooks thread, where it only records.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

let file;

if (isMainThread && process.env.LIGHTSTICK_TEST_MODULE_TRACE) {
  const trace = process.env.LIGHTSTICK_TEST_MODULE_TRACE;
  register(import.meta.url, { data: trace });
  process.on('exit', () => {
    const deps = process.moduleLoadList.filter((m) => m.includes('internal/deps/'));
    appendFileSync(trace, `deps-at-exit:${deps.join(',')}\n`);
  });
}

export function initialize(data) {
  file = data;
}

export async function load(url, context, nextLoad) {
  if (file) appendFileSync(file, `${url}\n`);
  return nextLoad(url, context);
}
