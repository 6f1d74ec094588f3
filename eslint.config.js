// Lint rules hold the layer lines of docs/architecture.md: dependencies point inward.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const implementations = [
  '**/broker/memory*',
  '**/broker/redis*',
  '**/history/memory*',
  '**/history/redis*',
  '**/presence/memory*',
  '**/presence/redis*',
  '**/storage/sqlite*',
  '**/storage/postgres*',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'packages/web/dist/**', '.tmp/**'] },
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
    // Domain folders know interfaces, never an implementation, and never a transport library.
    files: ['packages/server/src/{chat,moderation,auth}/**/*.ts'],
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
    // The gateway and HTTP faces call services; they never reach an implementation.
    files: ['packages/server/src/{gateway,http}/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: implementations, message: 'Only app/ picks the implementation.' },
            { group: ['ioredis', 'better-sqlite3', 'pg'] },
          ],
        },
      ],
    },
  },
  {
    // The web app and the client SDK import only protocol and client.
    files: ['packages/web/src/**/*.ts', 'packages/client/src/**/*.ts'],
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
