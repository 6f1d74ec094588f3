/**
 * The words of the moderator panel's bans-and-timeouts tab, in Korean, Japanese and English. Kept apart from
 * strings.ts, which the chat screen loads for every fan: these load with the panel, for staff only.
 */
import type { Lang } from './strings.ts';

const en = {
  tab: 'Bans',
  empty: 'Nobody is banned or timed out.',
  banned: 'Banned by {by}',
  timedOut: 'Timed out until {time} by {by}',
  unban: 'Unban',
  endTimeout: 'End the timeout',
  lifted: '{name} can take part again.',
};

type Key = keyof typeof en;

const ko: Record<Key, string> = {
  tab: '차단',
  empty: '차단되거나 제한된 사람이 없어요.',
  banned: '{by}님이 차단함',
  timedOut: '{by}님이 {time}까지 제한함',
  unban: '차단 해제',
  endTimeout: '제한 해제',
  lifted: '{name}님이 다시 참여할 수 있어요.',
};

const ja: Record<Key, string> = {
  tab: 'BAN',
  empty: 'BAN やタイムアウト中の人はいません。',
  banned: '{by} さんが BAN',
  timedOut: '{by} さんが {time} までタイムアウト',
  unban: 'BAN を解除',
  endTimeout: 'タイムアウトを解除',
  lifted: '{name} さんはまた参加できます。',
};

const CATALOGUES: Record<Lang, Record<Key, string>> = { en, ko, ja };

export function st(lang: Lang, key: Key, params: Record<string, string> = {}): string {
  return CATALOGUES[lang][key].replace(/\{(\w+)\}/g, (_, n: string) => params[n] ?? `{${n}}`);
}
