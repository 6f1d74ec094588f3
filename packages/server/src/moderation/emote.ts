/** Emote-only mode: a message made of emoji (and spaces) only, as a person sees them (grapheme by grapheme). */
import { graphemes } from '@lightstick/protocol';

// The `v` flag's \p{RGI_Emoji} matches whole emoji sequences (flags, families, skin tones, keycaps).
const EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v');

export function isEmoteOnly(text: string): boolean {
  let any = false;
  for (const { segment } of graphemes(text)) {
    if (/^\s+$/u.test(segment)) continue;
    if (!EMOJI.test(segment)) return false;
    any = true;
  }
  return any;
}
