/**
 * The `joined` answer, with each replayed message's JSON made once per message object rather than once per
 * client that resumes past it.
 *
 * A gateway answers a resume from the room's tail it heard (broker/room-tops.ts), and the tail hands every
 * resuming client the same message objects. When a gateway dies, its clients come back to the survivors within
 * seconds of each other, each missing the same few dozen messages: stringifying the whole `joined` frame per
 * client was 5.5 % of the survivors' CPU while 17 000 of them came back (issue 6, docs/benchmarks.md "Stop
 * 45"). Each message's text is kept for as long as the message object lives (message-texts.ts).
 *
 * The text is exactly `JSON.stringify({ ...answer, missed, reload })` (the unit test compares them).
 */
import type { ChatMessage, JoinedFrame } from '@lightstick/protocol';
import { messageList } from './message-texts.ts';

/** `joined` as JSON text: the head once, then each replayed message's kept text. */
export function joinedText(
  answer: Omit<JoinedFrame, 'missed' | 'reload'>,
  missed: readonly ChatMessage[],
  reload: boolean,
): string {
  const head = JSON.stringify(answer);
  return `${head.slice(0, -1)},"missed":[${messageList(missed)}],"reload":${reload}}`;
}
