/**
 * Every word the fandom components show, in Korean, Japanese and English: room modes and limits are told
 * to fans in sentences (issue 11 part 10), never as bare flags. One catalogue per language with the same
 * keys (the type makes a missing key a compile error); `{name}` placeholders are filled by `t`.
 */
import type { ModeEvent } from './contract.ts';

export type Lang = 'ko' | 'ja' | 'en';
export const LANGS: readonly Lang[] = ['ko', 'ja', 'en'];

const en = {
  'mode.none': 'Open chat: everyone can talk.',
  'mode.slow': 'Slow mode: you can send one message every {seconds} seconds.',
  'mode.membersOnly': 'Members-only chat: only members and staff can send messages.',
  'mode.emoteOnly': 'Emote-only chat: messages must be emoji only.',
  'mode.uniqueChat': 'Unique chat: a message identical to one sent in the last 30 seconds is refused.',
  'mode.fanDelay': 'Fan messages appear {seconds} seconds late so moderators can check them.',
  'mode.title': 'Room modes',
  'limit.rate': 'You can send up to {messages} messages every {seconds} seconds.',
  'error.slow_mode': 'Slow mode is on: you can send again in {seconds} s.',
  'error.members_only': 'Only members can send messages in this room.',
  'error.emote_only': 'Only emoji can be sent right now.',
  'error.duplicate_text': 'That message was just sent; write something new.',
  'error.timed_out': 'You are timed out: you can send again {when}.',
  'error.banned': 'You are banned from this community.',
  'error.filtered': 'That message was blocked by the community’s filter.',
  'error.rate_limited': 'You are sending too fast: wait {seconds} s.',
  'hearts.tap': 'Send a heart',
  'hearts.rate': '{rate} hearts/s',
  'hearts.total': '{total} hearts',
  'viewers.count': '{count} watching',
  'translation.show': 'Translate',
  'translation.label': 'Translated from {source}',
  'translation.failed': 'Translation is not available right now.',
  'spotlight.title': 'From the artist',
  'spotlight.pinned': 'Pinned',
  'spotlight.artistOnly': 'Artist only',
  'spotlight.allChat': 'All chat',
  'spotlight.empty': 'No artist messages yet.',
  'mod.panel': 'Moderation',
  'mod.tab.modes': 'Modes',
  'mod.tab.reports': 'Reports',
  'mod.tab.audit': 'Audit log',
  'mod.tab.filters': 'Filters',
  'mod.slow': 'Slow mode',
  'mod.slowOff': 'Off',
  'mod.seconds': '{seconds} s',
  'mod.membersOnly': 'Members only',
  'mod.emoteOnly': 'Emote only',
  'mod.uniqueChat': 'Unique chat',
  'mod.fanDelay': 'Fan delay',
  'mod.actions': 'Moderate',
  'mod.delete': 'Delete',
  'mod.timeout': 'Timeout 10 min',
  'mod.ban': 'Ban',
  'mod.pin': 'Pin',
  'mod.report': 'Report',
  'mod.reported': 'Reported. Thank you.',
  'mod.done': 'Done.',
  'mod.deleted': 'Message deleted by {name}',
  'mod.noReports': 'No open reports.',
  'mod.resolve': 'Resolve',
  'mod.dismiss': 'Dismiss',
  'mod.approve': 'Approve',
  'mod.reject': 'Reject',
  'mod.noAudit': 'Nothing recorded yet.',
  'mod.filterBuiltin': 'Built-in list',
  'mod.filterTerms':
    'Blocked words (one per line: word, or word|hold, word|mask; word|block|part or word|block|anywhere to match inside words)',
  'mod.filterAllow': 'Always allowed words (one per line)',
  'mod.save': 'Save',
  'mod.saved': 'Saved.',
  'mod.refresh': 'Refresh',
  'action.block': 'block',
  'action.hold': 'hold for review',
  'action.mask': 'mask',
  'action.off': 'off',
};

export type StringKey = keyof typeof en;
type Catalogue = Record<StringKey, string>;

const ko: Catalogue = {
  'mode.none': '자유 채팅: 누구나 대화할 수 있어요.',
  'mode.slow': '슬로우 모드: {seconds}초에 한 번 메시지를 보낼 수 있어요.',
  'mode.membersOnly': '멤버 전용 채팅: 멤버와 스태프만 메시지를 보낼 수 있어요.',
  'mode.emoteOnly': '이모지 전용 채팅: 이모지만 보낼 수 있어요.',
  'mode.uniqueChat': '중복 금지: 최근 30초 안에 올라온 것과 같은 메시지는 보낼 수 없어요.',
  'mode.fanDelay': '팬 메시지는 운영진 확인을 위해 {seconds}초 늦게 보여요.',
  'mode.title': '채팅방 모드',
  'limit.rate': '{seconds}초에 최대 {messages}개의 메시지를 보낼 수 있어요.',
  'error.slow_mode': '슬로우 모드 중이에요: {seconds}초 후에 다시 보낼 수 있어요.',
  'error.members_only': '이 채팅방은 멤버만 메시지를 보낼 수 있어요.',
  'error.emote_only': '지금은 이모지만 보낼 수 있어요.',
  'error.duplicate_text': '방금 올라온 메시지와 같아요. 새로운 내용을 써 주세요.',
  'error.timed_out': '채팅이 일시 제한됐어요: {when}에 다시 보낼 수 있어요.',
  'error.banned': '이 커뮤니티에서 차단되었어요.',
  'error.filtered': '커뮤니티 필터에 의해 메시지가 차단되었어요.',
  'error.rate_limited': '너무 빨리 보내고 있어요: {seconds}초 기다려 주세요.',
  'hearts.tap': '하트 보내기',
  'hearts.rate': '초당 하트 {rate}개',
  'hearts.total': '하트 {total}개',
  'viewers.count': '{count}명 시청 중',
  'translation.show': '번역 보기',
  'translation.label': '{source}에서 번역됨',
  'translation.failed': '지금은 번역을 볼 수 없어요.',
  'spotlight.title': '아티스트 메시지',
  'spotlight.pinned': '고정됨',
  'spotlight.artistOnly': '아티스트만 보기',
  'spotlight.allChat': '전체 채팅',
  'spotlight.empty': '아직 아티스트 메시지가 없어요.',
  'mod.panel': '운영 도구',
  'mod.tab.modes': '모드',
  'mod.tab.reports': '신고',
  'mod.tab.audit': '기록',
  'mod.tab.filters': '필터',
  'mod.slow': '슬로우 모드',
  'mod.slowOff': '끄기',
  'mod.seconds': '{seconds}초',
  'mod.membersOnly': '멤버 전용',
  'mod.emoteOnly': '이모지 전용',
  'mod.uniqueChat': '중복 금지',
  'mod.fanDelay': '팬 메시지 지연',
  'mod.actions': '관리',
  'mod.delete': '삭제',
  'mod.timeout': '10분 제한',
  'mod.ban': '차단',
  'mod.pin': '고정',
  'mod.report': '신고',
  'mod.reported': '신고했어요. 감사합니다.',
  'mod.done': '완료했어요.',
  'mod.deleted': '{name}님이 삭제한 메시지',
  'mod.noReports': '처리할 신고가 없어요.',
  'mod.resolve': '처리',
  'mod.dismiss': '기각',
  'mod.approve': '승인',
  'mod.reject': '거부',
  'mod.noAudit': '아직 기록이 없어요.',
  'mod.filterBuiltin': '기본 필터',
  'mod.filterTerms':
    '금지어 (한 줄에 하나: 단어, 또는 단어|hold, 단어|mask; 단어 안까지 찾으려면 단어|block|part 또는 단어|block|anywhere)',
  'mod.filterAllow': '항상 허용할 단어 (한 줄에 하나)',
  'mod.save': '저장',
  'mod.saved': '저장했어요.',
  'mod.refresh': '새로고침',
  'action.block': '차단',
  'action.hold': '검토 대기',
  'action.mask': '가리기',
  'action.off': '끄기',
};

const ja: Catalogue = {
  'mode.none': 'フリーチャット：だれでも話せます。',
  'mode.slow': 'スローモード：{seconds}秒に1回メッセージを送れます。',
  'mode.membersOnly': 'メンバー限定チャット：メンバーとスタッフだけが送信できます。',
  'mode.emoteOnly': '絵文字限定チャット：絵文字だけ送れます。',
  'mode.uniqueChat': '重複禁止：直近30秒に送られたものと同じメッセージは送れません。',
  'mode.fanDelay': 'ファンのメッセージはモデレーターが確認できるよう{seconds}秒遅れて表示されます。',
  'mode.title': 'ルームのモード',
  'limit.rate': '{seconds}秒に最大{messages}件のメッセージを送れます。',
  'error.slow_mode': 'スローモード中です：{seconds}秒後にまた送れます。',
  'error.members_only': 'このルームはメンバーだけが送信できます。',
  'error.emote_only': '今は絵文字だけ送れます。',
  'error.duplicate_text': '同じメッセージが送られたばかりです。別の内容を書いてください。',
  'error.timed_out': '一時的に送信が制限されています：{when}に送れます。',
  'error.banned': 'このコミュニティから追放されています。',
  'error.filtered': 'コミュニティのフィルターによりブロックされました。',
  'error.rate_limited': '送信が速すぎます：{seconds}秒お待ちください。',
  'hearts.tap': 'ハートを送る',
  'hearts.rate': '毎秒{rate}ハート',
  'hearts.total': 'ハート{total}個',
  'viewers.count': '{count}人が視聴中',
  'translation.show': '翻訳する',
  'translation.label': '{source}から翻訳',
  'translation.failed': '今は翻訳を表示できません。',
  'spotlight.title': 'アーティストから',
  'spotlight.pinned': 'ピン留め',
  'spotlight.artistOnly': 'アーティストのみ',
  'spotlight.allChat': 'すべてのチャット',
  'spotlight.empty': 'まだアーティストのメッセージはありません。',
  'mod.panel': 'モデレーション',
  'mod.tab.modes': 'モード',
  'mod.tab.reports': '通報',
  'mod.tab.audit': '記録',
  'mod.tab.filters': 'フィルター',
  'mod.slow': 'スローモード',
  'mod.slowOff': 'オフ',
  'mod.seconds': '{seconds}秒',
  'mod.membersOnly': 'メンバー限定',
  'mod.emoteOnly': '絵文字限定',
  'mod.uniqueChat': '重複禁止',
  'mod.fanDelay': 'ファン遅延',
  'mod.actions': '管理',
  'mod.delete': '削除',
  'mod.timeout': '10分タイムアウト',
  'mod.ban': '追放',
  'mod.pin': 'ピン留め',
  'mod.report': '通報',
  'mod.reported': '通報しました。ありがとうございます。',
  'mod.done': '完了しました。',
  'mod.deleted': '{name}さんが削除したメッセージ',
  'mod.noReports': '未対応の通報はありません。',
  'mod.resolve': '対応済み',
  'mod.dismiss': '却下',
  'mod.approve': '承認',
  'mod.reject': '拒否',
  'mod.noAudit': 'まだ記録はありません。',
  'mod.filterBuiltin': '標準リスト',
  'mod.filterTerms':
    '禁止語（1行に1つ：語、または 語|hold、語|mask。語の中も探すには 語|block|part か 語|block|anywhere）',
  'mod.filterAllow': '常に許可する語（1行に1つ）',
  'mod.save': '保存',
  'mod.saved': '保存しました。',
  'mod.refresh': '更新',
  'action.block': 'ブロック',
  'action.hold': '確認待ち',
  'action.mask': '伏せ字',
  'action.off': 'オフ',
};

export const CATALOGUES: Record<Lang, Catalogue> = { ko, ja, en };

/** The string for `key` in `lang`, placeholders filled. */
export function t(lang: Lang, key: StringKey, params: Record<string, string | number> = {}): string {
  const s = CATALOGUES[lang][key];
  return s.replace(/\{(\w+)\}/g, (_, name: string) => (name in params ? String(params[name]) : `{${name}}`));
}

/** The reader's language from a BCP 47 tag list (navigator.languages); English when none matches. */
export function pickLang(tags: readonly string[]): Lang {
  for (const tag of tags) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'ko' || base === 'ja' || base === 'en') return base;
  }
  return 'en';
}

/** Every active mode of a room as sentences a fan reads (one when the room is open). */
export function modeSentences(mode: Omit<ModeEvent, 'room'>, lang: Lang): string[] {
  const out: string[] = [];
  if (mode.slowSeconds > 0) out.push(t(lang, 'mode.slow', { seconds: mode.slowSeconds }));
  if (mode.membersOnly) out.push(t(lang, 'mode.membersOnly'));
  if (mode.emoteOnly) out.push(t(lang, 'mode.emoteOnly'));
  if (mode.uniqueChat) out.push(t(lang, 'mode.uniqueChat'));
  if (mode.fanDelayMs > 0)
    out.push(t(lang, 'mode.fanDelay', { seconds: Math.round(mode.fanDelayMs / 100) / 10 }));
  if (out.length === 0) out.push(t(lang, 'mode.none'));
  return out;
}

/** A refused send as a sentence (the error codes of issue 11), or null when the code is not one of them. */
export function sendErrorSentence(code: string, retryAfterMs: number | undefined, lang: Lang): string | null {
  const seconds = Math.max(1, Math.ceil((retryAfterMs ?? 0) / 1000));
  switch (code) {
    case 'timed_out':
      return t(lang, 'error.timed_out', { when: waitWords(retryAfterMs ?? 0, lang) });
    case 'slow_mode':
    case 'rate_limited':
      return t(lang, `error.${code}`, { seconds });
    case 'members_only':
    case 'emote_only':
    case 'duplicate_text':
    case 'banned':
    case 'filtered':
      return t(lang, `error.${code}`);
    default:
      return null;
  }
}

/**
 * A wait as people say it, rounded up to its largest unit ("in 10 minutes", "10분 후", "10 分後"): a timeout runs
 * from a second to two weeks, and "in 1209600 s" says nothing. Intl words it in each language.
 */
export function waitWords(ms: number, lang: Lang): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  const [n, unit]: [number, Intl.RelativeTimeFormatUnit] =
    s < 60
      ? [s, 'second']
      : s < 3600
        ? [Math.ceil(s / 60), 'minute']
        : s < 86_400
          ? [Math.ceil(s / 3600), 'hour']
          : [Math.ceil(s / 86_400), 'day'];
  return new Intl.RelativeTimeFormat(lang, { numeric: 'always' }).format(n, unit);
}
