/**
 * Splits a message's text into plain text, links and mentions, from the spans the server sends
 * (`links`, `mentions`: UTF-16 indices) or, for messages without them, a conservative local scan.
 * The result is data: the components render every piece as a Text node or an anchor, never as HTML.
 */
import type { Link, Mention } from '@lightstick/protocol';

export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'link'; text: string; url: string }
  | { kind: 'mention'; text: string; name: string; userId: string | null; me: boolean };

export interface Me {
  id?: string | undefined;
  name?: string | undefined;
}

/** Only http(s) URLs become links: `javascript:` and friends stay text. */
export function safeUrl(raw: string): string | null {
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

const SCAN = /(https?:\/\/[^\s<>"']+[^\s<>"'.,!?;:)\]}])|(^|[^\w@])@([\p{L}\p{N}_.]{1,32})/gu;

/** Links and mentions found locally, for messages the server did not annotate. */
export function scan(text: string): { links: Link[]; mentions: Mention[] } {
  const links: Link[] = [];
  const mentions: Mention[] = [];
  for (const m of text.matchAll(SCAN)) {
    const at = m.index;
    if (m[1]) links.push({ start: at, end: at + m[1].length, url: m[1] });
    else if (m[3]) {
      const start = at + (m[2]?.length ?? 0);
      mentions.push({ start, end: start + 1 + m[3].length, name: m[3], userId: null });
    }
  }
  return { links, mentions };
}

function isMe(m: Mention, me: Me): boolean {
  if (m.userId !== null && me.id !== undefined) return m.userId === me.id;
  return me.name !== undefined && m.name.toLowerCase() === me.name.toLowerCase();
}

export function segments(
  text: string,
  annotations: { links?: Link[] | undefined; mentions?: Mention[] | undefined },
  me: Me = {},
): Segment[] {
  const found = annotations.links || annotations.mentions ? annotations : scan(text);
  type Span = { start: number; end: number; seg: Segment };
  const spans: Span[] = [];
  for (const l of found.links ?? []) {
    const url = safeUrl(l.url);
    if (url) spans.push({ start: l.start, end: l.end, seg: { kind: 'link', text: '', url } });
  }
  for (const m of found.mentions ?? []) {
    spans.push({
      start: m.start,
      end: m.end,
      seg: { kind: 'mention', text: '', name: m.name, userId: m.userId, me: isMe(m, me) },
    });
  }
  spans.sort((a, b) => a.start - b.start);
  const out: Segment[] = [];
  let at = 0;
  for (const s of spans) {
    // Spans out of range or overlapping an earlier one are ignored: the text still shows, as text.
    if (s.start < at || s.end > text.length || s.end <= s.start) continue;
    if (s.start > at) out.push({ kind: 'text', text: text.slice(at, s.start) });
    out.push({ ...s.seg, text: text.slice(s.start, s.end) });
    at = s.end;
  }
  if (at < text.length) out.push({ kind: 'text', text: text.slice(at) });
  return out;
}
