#!/usr/bin/env node
// Runs the TypeScript entry point through tsx's loader, so one command works from a clone without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
