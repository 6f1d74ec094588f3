/**
 * The uniqueness key of a username or community name: NFKC, lower-cased. Its own module, apart from the account
 * rules (validation.ts), because the chat path (mentions, community look-ups) needs only this, and the rules
 * bring Unicode's look-alike tables, which a gateway process would otherwise hold idle (issue 6, part 6).
 */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().normalize('NFKC');
}
