/**
 * Each chat message's JSON, made once per message object, and the `msgs` frame written around the kept texts.
 *
 * A message reaches many frames on one node: the `joined` answers of every client that resumes past it
 * (joined-frame.ts: stringifying each answer whole was 5.5 % of the survivors' CPU while 17 000 clients came
 * back, docs/benchmarks.md "Stop 45"), and the `msgs` frames of a paced room, where each stretch of a pass gets
 * one frame with everything its members lack (hub.ts): the same message in a few frames of different spans. A
 * message is immutable once published (a deletion shown in a replay is a copy, gateway/fandom.ts), so its texts
 * are kept for as long as the object lives: WeakMaps, gone with the last frame or tail entry that holds it. A
 * replay carries the whole message (`messageText`), a `msgs` frame its live form (`liveText`: without the room
 * and epoch the frame says once, protocol's live-messages.ts).
 *
 * `msgsFrameText` is exactly `JSON.stringify` of the frame with each message in its live form (the unit test
 * compares the two).
 */
import { liveMessage, type ChatMessage, type RoomMessages } from '@lightstick/protocol';

/** A JSON text of each message, made on first use and kept with the message (`make` says which text). */
function keptTexts(make: (m: ChatMessage) => string): (m: ChatMessage) => string {
  const texts = new WeakMap<ChatMessage, string>();
  return (m) => {
    let text = texts.get(m);
    if (text === undefined) {
      text = make(m);
      texts.set(m, text);
    }
    return text;
  };
}

/** The whole message as JSON text (replays). */
export const messageText = keptTexts((m) => JSON.stringify(m));

/** The message as a `msgs` frame carries it, as JSON text. */
export const liveText = keptTexts((m) => JSON.stringify(liveMessage(m)));

/** The messages' kept texts (`text` of each), comma-separated (the inside of a JSON array). */
export function messageList(msgs: readonly ChatMessage[], text = messageText): string {
  let list = '';
  for (let i = 0; i < msgs.length; i++) list += (i === 0 ? '' : ',') + text(msgs[i]!);
  return list;
}

/** A `msgs` frame ({ t, room, msgs, skipped?, upto }, in that order) as JSON text, its messages in live form. */
export function msgsFrameText(frame: RoomMessages): string {
  const head = `{"t":"msgs","room":${JSON.stringify(frame.room)},"msgs":[${messageList(frame.msgs, liveText)}]`;
  const skipped = frame.skipped === undefined ? '' : `,"skipped":${frame.skipped}`;
  return `${head}${skipped},"upto":${JSON.stringify(frame.upto)}}`;
}
