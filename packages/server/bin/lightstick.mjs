#!/usr/bin/env node
// The `lightstick` command. It runs the compiled server (dist/server/main.js, built by `npm run build` with
// build.mjs): plain JavaScript, no TypeScript loader at run time, which is what `npm start` and the Docker
// image run. In a clone that has not been built yet it falls back to the TypeScript sources through tsx's
// loader (a development dependency), with the `@lightstick/source` condition added by a resolve hook
// (registered last, so it runs first and hands the condition on to tsx and Node's resolver).
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/server/main.js', import.meta.url);
if (existsSync(compiled) && process.env.LIGHTSTICK_FROM_SOURCE !== '1') {
  await import(compiled.href);
} else {
  const { register: registerHooks } = await import('node:module');
  const { register } = await import('tsx/esm/api');
  register();
  registerHooks('./source-condition.mjs', import.meta.url);
  await import('../src/main.ts');
}
