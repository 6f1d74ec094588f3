/**
 * A community's word filter settings: what the built-in list does there, its own terms and allowed words. Read
 * and replaced by moderators over HTTP (audited); compiled once per change for the send path (a cache keyed by
 * community, refreshed within a second on other processes and at once in this one).
 */
import {
  ModerationLimits,
  graphemeLength,
  type FilterCheckView,
  type FilterSettings,
  type FilterTerm,
} from '@lightstick/protocol';
import { AppError } from '../../errors.ts';
import type { Principal } from '../../auth/principal.ts';
import type { Runtime } from '../../runtime.ts';
import type { Store } from '../../storage/repositories.ts';
import { auditEntry } from '../audit.ts';
import { Cached } from '../../read-through-cache.ts';
import type { ModerationEvents } from '../events.ts';
import type { Scopes } from '../scope.ts';
import { BUILTIN_ALLOW, BUILTIN_TERMS } from './default-list.ts';
import { fold } from './fold.ts';
import { WordFilter, defaultMatch } from './word-filter.ts';

/** A community that never changed its filter: the built-in list masks. */
export const DEFAULT_SETTINGS: FilterSettings = { builtin: 'mask', terms: [], allow: [] };

export function compile(s: FilterSettings): WordFilter {
  const builtin =
    s.builtin === 'off'
      ? []
      : BUILTIN_TERMS.map((t) => ({ ...t, action: s.builtin as FilterTerm['action'] }));
  // A community's own term of the same text overrides the built-in one's action.
  return new WordFilter(
    [...s.terms, ...builtin],
    [...(s.builtin === 'off' ? [] : BUILTIN_ALLOW), ...s.allow],
  );
}

const invalid = (field: string, message: string) =>
  new AppError('validation_failed', message, { details: { field } });

function cleanWord(raw: string, field: string): string {
  const text = raw.normalize('NFC').trim();
  if (/[\p{Cc}\p{Cf}]/u.test(text)) throw invalid(field, `${field} may not contain control characters`);
  if (text === '' || fold(text).compact.text === '')
    throw invalid(field, `${field} must have a letter or digit`);
  if (graphemeLength(text) > ModerationLimits.filterTermMaxChars) {
    throw invalid(field, `${field} must be at most ${ModerationLimits.filterTermMaxChars} characters`);
  }
  return text;
}

/** Validates and normalises settings: each term once (by its folded form), trimmed, within the limits. */
export function validateSettings(s: FilterSettings): FilterSettings {
  if (s.terms.length > ModerationLimits.filterTermsMax)
    throw invalid('terms', `At most ${ModerationLimits.filterTermsMax} terms`);
  if (s.allow.length > ModerationLimits.filterAllowMax)
    throw invalid('allow', `At most ${ModerationLimits.filterAllowMax} allowed words`);
  const seen = new Set<string>();
  const terms: FilterTerm[] = [];
  for (const t of s.terms) {
    const term = cleanWord(t.term, 'terms');
    const key = fold(term).compact.text;
    if (seen.has(key)) continue;
    seen.add(key);
    terms.push({ term, action: t.action, match: t.match ?? defaultMatch(term) });
  }
  const allow = [...new Set(s.allow.map((a) => cleanWord(a, 'allow')))];
  return { builtin: s.builtin, terms, allow };
}

export interface FilterSettingsServiceDeps {
  store: Pick<Store, 'filters'>;
  runtime: Runtime;
  scopes: Scopes;
  events?: ModerationEvents;
  /** How long a compiled filter is used before the settings are read again (default 1 s). */
  freshMs?: number;
  onError?: (err: unknown, communityId: string) => void;
}

export class FilterSettingsService {
  /** Compiled filters by community, for the send path. */
  readonly compiled: Cached<WordFilter>;
  private readonly defaultFilter = compile(DEFAULT_SETTINGS);

  constructor(private readonly deps: FilterSettingsServiceDeps) {
    this.compiled = new Cached(
      async (communityId) => {
        const s = await deps.store.filters.get(communityId);
        return s === undefined ? this.defaultFilter : compile(s);
      },
      {
        runtime: deps.runtime,
        freshMs: deps.freshMs ?? 1000,
        // The database is down and nothing is cached: the built-in list still applies.
        fallback: () => this.defaultFilter,
        ...(deps.onError ? { onError: deps.onError } : {}),
      },
    );
  }

  async get(p: Principal, communityId: string): Promise<FilterSettings> {
    const scope = await this.deps.scopes.community(p, communityId);
    this.deps.scopes.require(p, scope, 'filter.manage', 'Moderators and up see the word filter');
    const s = await this.deps.store.filters.get(communityId);
    return s === undefined ? DEFAULT_SETTINGS : { builtin: s.builtin, terms: s.terms, allow: s.allow };
  }

  /** Replaces the settings as a whole. */
  async set(p: Principal, communityId: string, raw: FilterSettings): Promise<FilterSettings> {
    const scope = await this.deps.scopes.community(p, communityId);
    this.deps.scopes.require(p, scope, 'filter.manage', 'Moderators and up change the word filter');
    const next = validateSettings(raw);
    const before = await this.deps.store.filters.get(communityId);
    await this.deps.store.filters.set(
      { communityId, ...next, updatedAt: this.deps.runtime.now() },
      auditEntry(this.deps.runtime, p, 'filter.set', {
        communityId,
        details: {
          builtin: next.builtin,
          terms: next.terms.length,
          allow: next.allow.length,
          added: next.terms.filter((t) => !before?.terms.some((b) => b.term === t.term)).map((t) => t.term),
          removed: (before?.terms ?? [])
            .filter((b) => !next.terms.some((t) => t.term === b.term))
            .map((b) => b.term),
        },
      }),
    );
    this.compiled.forget(communityId);
    this.deps.events?.filterChanged(communityId);
    return next;
  }

  /** Tries a text against the community's filter without sending it (the moderator panel's test box). */
  async check(p: Principal, communityId: string, text: string): Promise<FilterCheckView> {
    const scope = await this.deps.scopes.community(p, communityId);
    this.deps.scopes.require(p, scope, 'filter.manage', 'Moderators and up try the word filter');
    const v = (await this.compiled.get(communityId)).check(text.normalize('NFC'));
    return {
      action: v.action,
      matches: v.hits.map((h) => ({ term: h.term, start: h.start, end: h.end })),
      text: v.action === 'mask' ? v.masked : text.normalize('NFC'),
    };
  }
}
