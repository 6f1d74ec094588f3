/**
 * Every word the live pages show, one small catalogue per language (ko, ja, en), so the pages carry no
 * literal text and a new shell can pick the language once. Functions build the sentences that hold numbers.
 */
import type { LiveState } from '@lightstick/protocol';

export type Lang = 'ko' | 'ja' | 'en';

export interface LiveStrings {
  /** The catalogue's language, for dates and numbers. */
  code: Lang;
  state: Record<LiveState, string>;
  loading: string;
  viewers: (n: number) => string;
  lockTitle: string;
  lockMembers: string;
  lockOther: string;
  scheduledFor: (when: string) => string;
  waitingForStream: string;
  endedNote: string;
  playError: string;
  membersTag: string;
  livesHeading: string;
  noLives: string;
  startedAt: (when: string) => string;
  endedAt: (when: string) => string;
  createHeading: string;
  titleLabel: string;
  accessLabel: string;
  accessPublic: string;
  accessMembers: string;
  scheduleLabel: string;
  create: string;
  ingestUrl: string;
  streamKey: string;
  copy: string;
  copied: string;
  show: string;
  hide: string;
  rotateKey: string;
  keyRotated: string;
  endLive: string;
  confirmEnd: string;
  ingestHint: string;
  watchLink: string;
  somethingWrong: string;
}

const en: LiveStrings = {
  code: 'en',
  state: { scheduled: 'Scheduled', live: 'Live now', reconnecting: 'Reconnecting…', ended: 'Ended' },
  loading: 'Loading…',
  viewers: (n) => (n === 1 ? '1 watching' : `${n.toLocaleString('en')} watching`),
  lockTitle: 'You cannot watch this live',
  lockMembers: 'This live is for members of the community only.',
  lockOther: 'You are not allowed to watch this live.',
  scheduledFor: (when) => `Starts ${when}`,
  waitingForStream: 'The live has not started yet.',
  endedNote: 'This live has ended.',
  playError: 'The video could not be played. Retrying…',
  membersTag: 'members',
  livesHeading: 'Lives',
  noLives: 'No lives yet',
  startedAt: (when) => `Started ${when}`,
  endedAt: (when) => `Ended ${when}`,
  createHeading: 'New live',
  titleLabel: 'Title',
  accessLabel: 'Who may watch',
  accessPublic: 'Everyone',
  accessMembers: 'Members only',
  scheduleLabel: 'Scheduled for (optional)',
  create: 'Create live',
  ingestUrl: 'Server (ingest URL)',
  streamKey: 'Stream key',
  copy: 'Copy',
  copied: 'Copied',
  show: 'Show',
  hide: 'Hide',
  rotateKey: 'New stream key',
  keyRotated: 'New key made: the old one stopped working.',
  endLive: 'End live',
  confirmEnd: 'Really end the live?',
  ingestHint:
    'Set your encoder (OBS: Settings → Stream → Custom) to this server and key, keyframes every 1 s.',
  watchLink: 'Open the watch page',
  somethingWrong: 'Something went wrong. Please try again.',
};

const ko: LiveStrings = {
  code: 'ko',
  state: { scheduled: '예정', live: '라이브 중', reconnecting: '다시 연결 중…', ended: '종료' },
  loading: '불러오는 중…',
  viewers: (n) => `${n.toLocaleString('ko')}명 시청 중`,
  lockTitle: '이 라이브를 볼 수 없어요',
  lockMembers: '커뮤니티 멤버만 볼 수 있는 라이브예요.',
  lockOther: '이 라이브를 볼 권한이 없어요.',
  scheduledFor: (when) => `${when} 시작 예정`,
  waitingForStream: '라이브가 아직 시작되지 않았어요.',
  endedNote: '라이브가 종료되었어요.',
  playError: '영상을 재생할 수 없어요. 다시 시도하는 중…',
  membersTag: '멤버',
  livesHeading: '라이브',
  noLives: '아직 라이브가 없어요',
  startedAt: (when) => `${when} 시작`,
  endedAt: (when) => `${when} 종료`,
  createHeading: '새 라이브',
  titleLabel: '제목',
  accessLabel: '시청 가능',
  accessPublic: '모두',
  accessMembers: '멤버만',
  scheduleLabel: '예정 시간 (선택)',
  create: '라이브 만들기',
  ingestUrl: '서버 (인제스트 URL)',
  streamKey: '스트림 키',
  copy: '복사',
  copied: '복사됨',
  show: '보기',
  hide: '숨기기',
  rotateKey: '새 스트림 키',
  keyRotated: '새 키를 만들었어요. 이전 키는 더 이상 쓸 수 없어요.',
  endLive: '라이브 종료',
  confirmEnd: '정말 종료할까요?',
  ingestHint:
    '방송 프로그램(OBS: 설정 → 방송 → 사용자 지정)에 이 서버와 키를 넣고 키프레임 간격을 1초로 하세요.',
  watchLink: '시청 페이지 열기',
  somethingWrong: '문제가 생겼어요. 다시 시도해 주세요.',
};

const ja: LiveStrings = {
  code: 'ja',
  state: { scheduled: '予定', live: 'ライブ中', reconnecting: '再接続中…', ended: '終了' },
  loading: '読み込み中…',
  viewers: (n) => `${n.toLocaleString('ja')}人が視聴中`,
  lockTitle: 'このライブは視聴できません',
  lockMembers: 'このライブはコミュニティのメンバー限定です。',
  lockOther: 'このライブを視聴する権限がありません。',
  scheduledFor: (when) => `${when} 開始予定`,
  waitingForStream: 'ライブはまだ始まっていません。',
  endedNote: 'このライブは終了しました。',
  playError: '映像を再生できません。再試行しています…',
  membersTag: 'メンバー',
  livesHeading: 'ライブ',
  noLives: 'まだライブはありません',
  startedAt: (when) => `${when} 開始`,
  endedAt: (when) => `${when} 終了`,
  createHeading: '新しいライブ',
  titleLabel: 'タイトル',
  accessLabel: '視聴できる人',
  accessPublic: '全員',
  accessMembers: 'メンバーのみ',
  scheduleLabel: '予定日時（任意）',
  create: 'ライブを作成',
  ingestUrl: 'サーバー（インジェストURL）',
  streamKey: 'ストリームキー',
  copy: 'コピー',
  copied: 'コピーしました',
  show: '表示',
  hide: '隠す',
  rotateKey: '新しいストリームキー',
  keyRotated: '新しいキーを作成しました。古いキーは使えなくなりました。',
  endLive: 'ライブを終了',
  confirmEnd: '本当に終了しますか？',
  ingestHint:
    '配信ソフト（OBS: 設定 → 配信 → カスタム）にこのサーバーとキーを設定し、キーフレーム間隔を1秒にしてください。',
  watchLink: '視聴ページを開く',
  somethingWrong: '問題が発生しました。もう一度お試しください。',
};

export const catalogues: Record<Lang, LiveStrings> = { ko, ja, en };

/** The catalogue for `lang`, or for the browser's first language we have, or English. */
export function stringsFor(lang?: string): LiveStrings {
  const wanted = lang ? [lang] : typeof navigator === 'undefined' ? [] : [...navigator.languages];
  for (const l of wanted) {
    const base = l.toLowerCase().split('-')[0];
    if (base === 'ko' || base === 'ja' || base === 'en') return catalogues[base];
  }
  return en;
}
