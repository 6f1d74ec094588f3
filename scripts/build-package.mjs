#!/usr/bin/env node
// Builds one publishable package (`npm run build` in packages/protocol or packages/client): empties dist/, then
// compiles src/ with the package's tsconfig.build.json into ES modules with .d.ts, declaration and source maps.
// Inside the repository nothing needs this build: the `@lightstick/source` export condition points at src/.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';

rmSync('dist', { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
