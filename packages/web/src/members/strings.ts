/**
 * Every word of the owner's members screen, in Korean, Japanese and English. Its own catalogue (like
 * fandom/strings.ts and live/strings.ts) so the words load with the screen, not with the chat screen; the type
 * makes a key missing in one language a compile error. `{name}` placeholders are filled by `t`.
 */
import type { CommunityRole } from '@lightstick/protocol';

export type Lang = 'ko' | 'ja' | 'en';

const en = {
  title: '{community}: members and roles',
  titlePlain: 'Members and roles',
  intro:
    'Make a member a moderator (they keep the chat safe) or an artist (their messages go to the spotlight), or back to a member. The change reaches them at once.',
  readOnly: 'Only the owner of this community or a platform admin can change roles.',
  search: 'Find a member by username',
  searchButton: 'Search',
  showAll: 'Show everyone',
  loading: 'Loading members…',
  empty: 'No members yet.',
  noMatch: 'No member’s username starts with “{q}”.',
  more: 'Show more members',
  you: '(you)',
  roleOf: 'Role of {name}',
  apply: 'Change',
  applying: 'Changing…',
  ownerFixed: 'Only a platform admin changes the owner.',
  done: 'Done: {name} is now {role}.',
  refused: 'Not changed: {reason}',
  listRefused: 'The member list cannot be shown: {reason}',
  'why.forbidden':
    'only the owner of the community or a platform admin can change roles, and only an admin makes or unmakes an owner.',
  'why.forbiddenList': 'only moderators and up see the member list.',
  'why.not_found': 'that person or community no longer exists.',
  'why.rate_limited': 'too many changes at once; try again in a moment.',
  'why.unavailable': 'the server cannot save it right now; try again.',
  'why.network_error': 'the server could not be reached.',
  'why.validation_failed': 'the server did not accept it ({message}).',
  'why.other': '{message}',
  'role.fan': 'Fan',
  'role.member': 'Member',
  'role.moderator': 'Moderator',
  'role.artist': 'Artist',
  'role.owner': 'Owner',
};

export type StringKey = keyof typeof en;
type Catalogue = Record<StringKey, string>;

const ko: Catalogue = {
  title: '{community} 멤버와 역할',
  titlePlain: '멤버와 역할',
  intro:
    '멤버를 운영자(채팅을 안전하게 지켜요)나 아티스트(메시지가 스포트라이트에 올라가요)로 정하거나, 다시 멤버로 되돌릴 수 있어요. 바뀐 역할은 그 사람에게 바로 적용돼요.',
  readOnly: '역할은 이 커뮤니티의 개설자나 플랫폼 관리자만 바꿀 수 있어요.',
  search: '아이디로 멤버 찾기',
  searchButton: '찾기',
  showAll: '모두 보기',
  loading: '멤버를 불러오는 중…',
  empty: '아직 멤버가 없어요.',
  noMatch: '“{q}”(으)로 시작하는 아이디의 멤버가 없어요.',
  more: '멤버 더 보기',
  you: '(나)',
  roleOf: '{name}님의 역할',
  apply: '바꾸기',
  applying: '바꾸는 중…',
  ownerFixed: '개설자는 플랫폼 관리자만 바꿀 수 있어요.',
  done: '완료: {name}님의 역할이 {role}(으)로 바뀌었어요.',
  refused: '바꾸지 못했어요: {reason}',
  listRefused: '멤버 목록을 볼 수 없어요: {reason}',
  'why.forbidden':
    '역할은 커뮤니티 개설자나 플랫폼 관리자만 바꿀 수 있고, 개설자를 정하거나 해제하는 건 관리자만 할 수 있어요.',
  'why.forbiddenList': '멤버 목록은 운영자 이상만 볼 수 있어요.',
  'why.not_found': '그 사람이나 커뮤니티가 더 이상 없어요.',
  'why.rate_limited': '한 번에 너무 많이 바꿨어요. 잠시 후 다시 해 주세요.',
  'why.unavailable': '지금은 서버가 저장할 수 없어요. 다시 해 주세요.',
  'why.network_error': '서버에 연결할 수 없어요.',
  'why.validation_failed': '서버가 받아들이지 않았어요({message}).',
  'why.other': '{message}',
  'role.fan': '팬',
  'role.member': '멤버',
  'role.moderator': '운영자',
  'role.artist': '아티스트',
  'role.owner': '개설자',
};

const ja: Catalogue = {
  title: '{community} のメンバーと役割',
  titlePlain: 'メンバーと役割',
  intro:
    'メンバーをモデレーター（チャットを安全に保ちます）やアーティスト（メッセージがスポットライトに載ります）にしたり、メンバーに戻したりできます。変更はすぐに本人に反映されます。',
  readOnly: '役割を変えられるのは、このコミュニティのオーナーかプラットフォーム管理者だけです。',
  search: 'ユーザー名でメンバーを探す',
  searchButton: '検索',
  showAll: 'すべて表示',
  loading: 'メンバーを読み込み中…',
  empty: 'まだメンバーがいません。',
  noMatch: '「{q}」で始まるユーザー名のメンバーはいません。',
  more: 'さらにメンバーを表示',
  you: '（あなた）',
  roleOf: '{name} さんの役割',
  apply: '変更',
  applying: '変更中…',
  ownerFixed: 'オーナーを変えられるのはプラットフォーム管理者だけです。',
  done: '完了：{name} さんの役割を「{role}」に変更しました。',
  refused: '変更できませんでした：{reason}',
  listRefused: 'メンバー一覧を表示できません：{reason}',
  'why.forbidden':
    '役割を変えられるのはオーナーかプラットフォーム管理者だけで、オーナーの任命と解任は管理者だけができます。',
  'why.forbiddenList': 'メンバー一覧を見られるのはモデレーター以上だけです。',
  'why.not_found': 'その人またはコミュニティはもう存在しません。',
  'why.rate_limited': '変更が多すぎます。少し待ってからもう一度お試しください。',
  'why.unavailable': '今はサーバーが保存できません。もう一度お試しください。',
  'why.network_error': 'サーバーに接続できません。',
  'why.validation_failed': 'サーバーが受け付けませんでした（{message}）。',
  'why.other': '{message}',
  'role.fan': 'ファン',
  'role.member': 'メンバー',
  'role.moderator': 'モデレーター',
  'role.artist': 'アーティスト',
  'role.owner': 'オーナー',
};

export const CATALOGUES: Record<Lang, Catalogue> = { en, ko, ja };

export function t(lang: Lang, key: StringKey, params: Record<string, string | number> = {}): string {
  const text = CATALOGUES[lang][key] ?? en[key];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

export const roleName = (lang: Lang, role: CommunityRole): string => t(lang, `role.${role}`);

/**
 * A server refusal as the reason in words: known codes in the reader's language, anything else the server's
 * own message. `list`: the refusal of reading the list (forbidden means something else there).
 */
export function refusalReason(err: unknown, lang: Lang, list = false): string {
  const e = (err ?? {}) as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' && e.message ? e.message : String(err);
  if (code === 'forbidden') return t(lang, list ? 'why.forbiddenList' : 'why.forbidden');
  const key = `why.${code}`;
  if (key in en) return t(lang, key as StringKey, { message });
  return t(lang, 'why.other', { message });
}
