/**
 * The filter list as the moderator panel's text area shows it: one term a line, `term`, `term|action` or
 * `term|action|match` (action block by default, match as the server defaults), so a save keeps every field.
 */
import type { FilterSettings } from '@lightstick/protocol';

type Term = FilterSettings['terms'][number];
const ACTIONS: readonly string[] = ['block', 'hold', 'mask'];
const MATCHES: readonly string[] = ['word', 'part', 'anywhere'];

export function termsToText(terms: FilterSettings['terms']): string {
  return terms
    .map((x) =>
      x.match ? `${x.term}|${x.action}|${x.match}` : x.action === 'block' ? x.term : `${x.term}|${x.action}`,
    )
    .join('\n');
}

export function textToTerms(text: string): FilterSettings['terms'] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [term = '', action = 'block', match] = line.split('|').map((s) => s.trim());
      const out: Term = { term, action: ACTIONS.includes(action) ? (action as Term['action']) : 'block' };
      if (match && MATCHES.includes(match)) out.match = match as NonNullable<Term['match']>;
      return out;
    });
}
