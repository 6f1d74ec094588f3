/**
 * docs/errors.md mirrors the one registry of codes: every error code (with its HTTP status) and every close
 * code is listed there, and nothing else is.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CloseCode, ErrorCode } from '@lightstick/protocol';
import { HTTP_STATUS } from '../../src/errors.ts';
import { REPO_ROOT } from '../support/harness.ts';

const doc = readFileSync(path.join(REPO_ROOT, 'docs/errors.md'), 'utf8');

/** The first two cells of every body row of the table under `## <heading>`. */
function rows(heading: string): [string, string][] {
  const start = doc.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `docs/errors.md has a "${heading}" section`);
  const end = doc.indexOf('\n## ', start + 1);
  const section = doc.slice(start, end < 0 ? undefined : end);
  return section
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
    .slice(1) // the header row
    .map((line) => {
      const cells = line.split('|').map((c) => c.trim());
      return [cells[1] ?? '', cells[2] ?? ''];
    });
}

describe('docs/errors.md', () => {
  test('lists every error code with its HTTP status, and no other', () => {
    const listed = rows('Error codes').map(([code, status]) => [code.replace(/`/g, ''), Number(status)]);
    const registry = Object.values(ErrorCode).map((code) => [code, HTTP_STATUS[code]]);
    assert.deepEqual(
      [...listed].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      [...registry].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
  });

  test('lists every close code, and no other', () => {
    const listed = rows('WebSocket close codes').map(([code]) => Number(code));
    assert.deepEqual(
      [...listed].sort((a, b) => a - b),
      Object.values(CloseCode).sort((a, b) => a - b),
    );
  });
});
