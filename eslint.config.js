// Lint rules hold the layer lines of docs/architecture.md: dependencies point inward.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

// Every implementation of a seam: only app/ (the composition root) picks one.
const implementationFiles = [
  'packages/server/src/{broker,history,presence,ratelimit,revocation}/{memory,redis}*.ts',
  'packages/server/src/storage/{sqlite,postgres}*.ts',
  'packages/server/src/moderation/state/*.ts',
  'packages/server/src/translation/cache/*.ts',
  'packages/server/src/*/providers/*/**/*.ts',
  'packages/server/src/*/adapters/*/**/*.ts',
];
const implementations = [
  '**/broker/memory*',
  '**/broker/redis*',
  '**/history/memory*',
  '**/history/redis*',
  '**/presence/memory*',
  '**/presence/redis*',
  '**/ratelimit/memory*',
  '**/ratelimit/redis*',
  '**/revocation/memory*',
  '**/revocation/redis*',
  '**/storage/sqlite*',
  '**/storage/postgres*',
  '**/moderation/state/*',
  '**/translation/cache/*',
  '**/providers/*/**',
  '**/adapters/*/**',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'packages/*/dist/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Type-aware rules that catch async bugs: a promise nobody awaits or catches, a promise where a callback
    // must return void (an event handler), a switch that forgets a case of a union.
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's describe/test return promises the runner itself tracks.
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
    },
  },
  {
    // Only the Redis files import the Redis client.
    files: ['packages/server/src/**/*.ts'],
    ignores: ['packages/server/src/**/redis*.ts', 'packages/server/src/app/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'ioredis', message: 'Only the Redis implementations import ioredis.' }] },
      ],
    },
  },
  {
    // Outside the composition root nothing names an implementation; implementations may share helpers.
    files: ['packages/server/src/**/*.ts'],
    ignores: ['packages/server/src/app/**', ...implementationFiles],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'ioredis', message: 'Only the Redis implementations import ioredis.' }],
          patterns: [{ group: implementations, message: 'Only app/ picks the implementation.' }],
        },
      ],
    },
  },
  {
    // Domain folders know interfaces, never an implementation, and never a transport library.
    files: ['packages/server/src/{chat,moderation,auth,lives,fandom,translation}/**/*.ts'],
    ignores: implementationFiles,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: implementations,
              message: 'Domain code uses the interface; only app/ picks the implementation.',
            },
            {
              group: ['ws', 'fastify', 'ioredis', 'better-sqlite3', 'pg'],
              message: 'Domain code does no I/O of its own.',
            },
          ],
        },
      ],
    },
  },
  {
    // The gateway and HTTP faces call services; they never reach an implementation or the composition root.
    files: ['packages/server/src/{gateway,http}/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: implementations, message: 'Only app/ picks the implementation.' },
            {
              group: ['**/app/*'],
              message: 'Faces receive services; they never import the composition root.',
            },
            { group: ['ioredis', 'better-sqlite3', 'pg'] },
          ],
        },
      ],
    },
  },
  {
    // The web app and the client SDK import only protocol and client.
    files: ['packages/web/src/**/*.{ts,tsx}', 'packages/client/src/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@lightstick/server', '**/server/**', 'node:*', 'ws', 'fastify'],
              message: 'web and client import only protocol and client.',
            },
          ],
        },
      ],
    },
  },
);
