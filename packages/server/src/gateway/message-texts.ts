/**
 * Each chat message's JSON, made once per message object, and the `msgs` frame written around the kept texts.
 *
 * A message reaches many frames on one node: the `joined` answers of every client that resumes past it
 * (joined-frame.ts: stringifying each answer whole was 5.5 % of the survivors' CPU while 17 000 clients came
 * back, docs/benchmarks.md "Stop 45"), and the `msgs` frames of a paced room, where each stretch of a pass gets
 * one frame with everything its members lack (hub.ts): the same message in a few frames of different spans. A
 * message is immutable once published (a deletion shown in a replay is a copy, gateway/fandom.ts), so its text
 * is kept for as long as the object lives: a WeakMap, gone with the last frame or tail entry that holds it.
 *
 * `msgsFrameText` is exactly `JSON.stringify(frame)` for a frame built as outbox.ts builds them (the unit test
 * compares the two).
 */
import type { ChatMessage, MessagesFrame } from '@lightstick/protocol';

const texts = new WeakMap<ChatMessage, string>();

export function messageText(m: ChatMessage): string {
  let text = texts.get(m);
  if (text === undefined) {
    text = JSON.stringify(m);
    texts.set(m, text);
  }
  return text;
}

/** The messages' kept texts, comma-separated (the inside of a JSON array). */
export function messageList(msgs: readonly ChatMessage[]): string {
  let list = '';
  for (let i = 0; i < msgs.length; i++) list += (i === 0 ? '' : ',') + messageText(msgs[i]!);
  return list;
}

/** A `msgs` frame ({ t, room, msgs, skipped?, upto }, in that order) as JSON text. */
export function msgsFrameText(frame: MessagesFrame): string {
  const head = `{"t":"msgs","room":${JSON.stringify(frame.room)},"msgs":[${messageList(frame.msgs)}]`;
  const skipped = frame.skipped === undefined ? '' : `,"skipped":${frame.skipped}`;
  return `${head}${skipped},"upto":${JSON.stringify(frame.upto)}}`;
}
