/**
 * axe-core in a Chromium page for the web app's tests: a screen passes when axe finds no critical or serious
 * violation. axe goes in through the DevTools protocol, which the page's Content-Security-Policy (no inline
 * script) does not govern; a <script> tag with axe inline would be refused by it, as it should be.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from './harness.ts';

const AXE = path.join(REPO_ROOT, 'node_modules/axe-core/axe.min.js');

export async function axeClean(page: Page, screen: string): Promise<void> {
  await page.evaluate(readFileSync(AXE, 'utf8'));
  const violations = await page.evaluate(async () => {
    const w = window as unknown as {
      axe: {
        run(): Promise<{
          violations: {
            id: string;
            impact: string;
            nodes: { target: string[]; failureSummary?: string }[];
          }[];
        }>;
      };
    };
    const r = await w.axe.run();
    // Where and why, so a failure says what to fix.
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`.slice(0, 300)),
    }));
  });
  const bad = violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
  assert.deepEqual(bad, [], `${screen}: axe critical or serious violations`);
}
