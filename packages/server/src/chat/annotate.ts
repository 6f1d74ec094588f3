/**
 * What the server adds to a message on send: its language, its `@name` mentions (resolved to account ids where
 * the name exists, so the named person's client highlights them) and its links (found by linkify-it, http and
 * https only), so clients never parse the text for them and always render it as text, never HTML.
 */
import { LinkifyIt } from 'linkify-it';
import type { Link, MessageAnnotations, Mention } from '@lightstick/protocol';
import { nameKey } from '../auth/name-key.ts';
import type { Runtime } from '../runtime.ts';
import type { UsersRepo } from '../storage/repositories.ts';
import { Cached } from '../read-through-cache.ts';
import { detectLanguage } from './language.ts';

/** At most this many mentions and links are listed per message (the rest stay plain text). */
export const ANNOTATION_LIMITS = { mentions: 10, links: 10 } as const;

// `@` not preceded by a name character (so mail addresses are not mentions), then a username's characters.
const MENTION = /(?<![\p{L}\p{N}_.@-])@([\p{L}\p{N}_.-]{2,24})/gu;

const linkify = new LinkifyIt({ fuzzyLink: true, fuzzyEmail: false });

export function findLinks(text: string): Link[] {
  const out: Link[] = [];
  for (const m of linkify.match(text) ?? []) {
    const url = safeUrl(m.url);
    if (url !== undefined) out.push({ start: m.index, end: m.lastIndex, url });
    if (out.length >= ANNOTATION_LIMITS.links) break;
  }
  return out;
}

/** Only absolute http(s) URLs; `//host` gets https. */
function safeUrl(raw: string): string | undefined {
  try {
    const u = new URL(raw.startsWith('//') ? `https:${raw}` : raw);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** Mentions with their names; `userId` null until resolved. Mentions inside links are not mentions. */
export function findMentions(text: string, links: Link[] = []): Mention[] {
  const out: Mention[] = [];
  for (const m of text.matchAll(MENTION)) {
    const name = m[1]!.replace(/[.\-_]+$/u, '');
    if ([...name].length < 2) continue;
    const start = m.index;
    const end = start + 1 + name.length;
    if (links.some((l) => l.start < end && start < l.end)) continue;
    out.push({ start, end, name, userId: null });
    if (out.length >= ANNOTATION_LIMITS.mentions) break;
  }
  return out;
}

export interface AnnotatorDeps {
  users: Pick<UsersRepo, 'byNameKey'>;
  runtime: Pick<Runtime, 'now'>;
  /** How long a name -> account answer is reused (default 60 s). */
  freshMs?: number;
}

/**
 * An Annotator for the send pipeline. Names resolve through a cache; when the database cannot answer, a mention
 * stays unresolved (userId null) rather than failing the send.
 */
export function createAnnotator(deps: AnnotatorDeps): (text: string) => Promise<MessageAnnotations> {
  const ids = new Cached<string | null>(async (key) => (await deps.users.byNameKey(key))?.id ?? null, {
    runtime: deps.runtime,
    freshMs: deps.freshMs ?? 60_000,
    maxEntries: 50_000,
    fallback: () => null,
  });
  return async (text) => {
    const links = findLinks(text);
    const mentions = findMentions(text, links);
    await Promise.all(
      mentions.map(async (m) => {
        m.userId = await ids.get(nameKey(m.name)).catch(() => null);
      }),
    );
    return {
      lang: detectLanguage(text),
      ...(mentions.length ? { mentions } : {}),
      ...(links.length ? { links } : {}),
    };
  };
}
