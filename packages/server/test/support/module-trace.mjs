// Loaded into a server process with `node --import <this file>`: appends the URL of every ES module the process
// loads, one per line, to the file named by LIGHTSTICK_TEST_MODULE_TRACE (tests of what a role loads, e.g. that
// a gateway-only process never loads Fastify). Plain JavaScript, so the compiled server needs no loader for it.
// The same file is the hooks module: Node runs it again on its hooks thread, where it only records.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

let file;

if (isMainThread && process.env.LIGHTSTICK_TEST_MODULE_TRACE) {
  register(import.meta.url, { data: process.env.LIGHTSTICK_TEST_MODULE_TRACE });
}

export function initialize(data) {
  file = data;
}

export async function load(url, context, nextLoad) {
  if (file) appendFileSync(file, `${url}\n`);
  return nextLoad(url, context);
}
