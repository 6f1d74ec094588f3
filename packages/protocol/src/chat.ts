/** A room's chat stream: positions and messages, as the WebSocket frames and the HTTP archive carry them. */
import { Type, type Static } from '@sinclair/typebox';
import { SafeCount } from './kit.ts';
import { AuthorRole } from './roles.ts';

/** Longest room id and epoch a client may send (ids are opaque text). */
export const MAX_ROOM_ID_CHARS = 128;
export const MAX_EPOCH_CHARS = 128;

export const RoomId = Type.String({ minLength: 1, maxLength: MAX_ROOM_ID_CHARS, description: 'Room id' });

export const Position = Type.Object(
  {
    epoch: Type.String({
      minLength: 1,
      maxLength: MAX_EPOCH_CHARS,
      description: "The stream's epoch: changes only when its history is lost",
    }),
    offset: SafeCount({ description: 'Consecutive from 1 within an epoch; 0 means nothing yet' }),
  },
  { description: "Where a message sits in a room's stream" },
);
/** Where a message sits in a room's stream. `epoch` changes when the stream's history is lost. */
export type Position = Static<typeof Position>;

/** An author as messages show them. */
export const UserRef = Type.Object({ id: Type.String(), name: Type.String(), displayName: Type.String() });
export type UserRef = Static<typeof UserRef>;

/** Indices are UTF-16 code units into `text` (what JavaScript's String.slice takes), end exclusive. */
export const Mention = Type.Object(
  {
    start: Type.Integer({ minimum: 0 }),
    end: Type.Integer({ minimum: 0 }),
    /** The name as written after `@`. */
    name: Type.String(),
    /** The account it names, or null when no account has that name. */
    userId: Type.Union([Type.String(), Type.Null()]),
  },
  { description: 'An @name in the text; highlight it for the user it names' },
);
export type Mention = Static<typeof Mention>;

export const Link = Type.Object(
  {
    start: Type.Integer({ minimum: 0 }),
    end: Type.Integer({ minimum: 0 }),
    /** Normalised absolute http(s) URL to open (with rel="noopener noreferrer nofollow"). */
    url: Type.String(),
  },
  { description: 'A link in the text; render text[start, end) as a link to url' },
);
export type Link = Static<typeof Link>;

/** Shown to moderators only: who removed a message and when. Fans never receive deleted messages. */
export const Deletion = Type.Object({
  by: Type.Object({ id: Type.String(), name: Type.String() }),
  at: Type.Integer({ description: 'Milliseconds since the epoch' }),
});
export type Deletion = Static<typeof Deletion>;

/** The message a reply answers, carried with the reply so it shows even when the original scrolled away. */
export const ReplyRef = Type.Object(
  {
    id: Type.String({ description: 'Server id of the message answered' }),
    user: UserRef,
    text: Type.String({ description: 'Its text as stored (render it as text, never as HTML)' }),
  },
  { description: 'The message this one answers (e.g. an artist replying to a fan)' },
);
export type ReplyRef = Static<typeof ReplyRef>;

export const ChatMessage = Type.Object({
  id: Type.String({ description: 'Server id of the message (unique)' }),
  room: Type.String(),
  pos: Position,
  cid: Type.String({
    description: 'Client-chosen id: a resend with the same `cid` by the same user is not stored twice',
  }),
  user: UserRef,
  role: AuthorRole,
  priority: Type.Boolean({
    description: 'Artist, moderator, owner, admin and system messages: never thinned',
  }),
  text: Type.String({ description: 'Verbatim text: render it as text, never as HTML' }),
  ts: Type.Integer({ description: 'Milliseconds since the epoch, server clock' }),
  lang: Type.Optional(
    Type.String({ description: 'Detected language (ISO 639-1, e.g. ko, ja, en); "und" when unsure' }),
  ),
  mentions: Type.Optional(Type.Array(Mention)),
  links: Type.Optional(Type.Array(Link)),
  deleted: Type.Optional(Deletion),
  reply: Type.Optional(ReplyRef),
});
export type ChatMessage = Static<typeof ChatMessage>;

/** What the server adds to a message on send (mentions and links only when the text has some). */
export interface MessageAnnotations {
  lang: string;
  mentions?: Mention[];
  links?: Link[];
}
