/**
 * Live video shapes: the HTTP bodies of /api/communities/:id/lives, /api/lives/* and the provider webhooks,
 * and the `live` server frame. Each is a TypeBox schema (the server validates with it and the OpenAPI
 * document is generated from it) and its static type. Specified in docs/http-api.md, docs/video.md and
 * docs/protocol.md.
 */
import { Type, type Static } from '@sinclair/typebox';
import { LiveLimits } from './limits.ts';

export const ProviderName = Type.Union(
  [Type.Literal('local'), Type.Literal('ivs'), Type.Literal('mux'), Type.Literal('cloudflare')],
  { description: 'The video provider of a live' },
);
export type ProviderNameView = Static<typeof ProviderName>;

export const LiveAccess = Type.Union([Type.Literal('public'), Type.Literal('members')], {
  description: 'public: any signed-in user may watch; members: members and staff of the community',
});

export const LiveState = Type.Union(
  [Type.Literal('scheduled'), Type.Literal('live'), Type.Literal('reconnecting'), Type.Literal('ended')],
  {
    description:
      'scheduled -> live -> reconnecting (publisher dropped, within the grace window) -> live or ended',
  },
);
export type LiveState = Static<typeof LiveState>;

const IsoTime = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([IsoTime, Type.Null()]);

export const Ingest = Type.Object(
  {
    url: Type.String({ description: 'RTMP(S) ingest URL, e.g. rtmp://host:1935/live' }),
    streamKey: Type.String({ description: 'Secret: the stream name to publish with' }),
  },
  { description: 'Where the publisher sends video. Shown to the community’s staff only, never logged.' },
);
export type IngestView = Static<typeof Ingest>;

export const LiveView = Type.Object({
  id: Type.String(),
  communityId: Type.String(),
  roomId: Type.String({ description: 'The live’s own chat room (kind `live`)' }),
  title: Type.String(),
  access: LiveAccess,
  provider: ProviderName,
  state: LiveState,
  scheduledAt: NullableTime,
  startedAt: NullableTime,
  endedAt: NullableTime,
  version: Type.Integer({
    minimum: 0,
    description:
      'Grows with every stored change of the live. Answers and `live` frames can arrive out of order (an ' +
      'answer read before a change may land after its frame): of two views of one live, the higher is newer',
  }),
  ingest: Type.Optional(Ingest),
});
export type LiveView = Static<typeof LiveView>;

export const CreateLiveBody = Type.Object({
  title: Type.String({ maxLength: 1024, description: `1-${LiveLimits.titleMaxChars} characters` }),
  access: Type.Optional(LiveAccess),
  provider: Type.Optional(ProviderName),
  scheduledAt: Type.Optional(IsoTime),
});
export type CreateLiveBody = Static<typeof CreateLiveBody>;

export const LiveList = Type.Object({ lives: Type.Array(LiveView) });
export type LiveList = Static<typeof LiveList>;

export const LiveListQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: LiveLimits.listMax, default: LiveLimits.listDefault }),
});

export const PlaybackView = Type.Object({
  url: Type.String({ description: 'HLS playlist URL, valid until expiresAt (absolute or from this origin)' }),
  expiresAt: Type.String({ format: 'date-time', description: 'Ask again before this' }),
});
export type PlaybackView = Static<typeof PlaybackView>;

export const ProvidersView = Type.Object({
  providers: Type.Array(ProviderName, { description: 'The providers configured here' }),
  default: ProviderName,
});
export type ProvidersView = Static<typeof ProvidersView>;

export const WebhookAnswer = Type.Object({
  accepted: Type.Integer({ description: 'Events applied (or found already applied by order)' }),
  duplicates: Type.Integer({ description: 'Events seen before: not applied again' }),
  ignored: Type.Integer({ description: 'Events for channels Lightstick does not know' }),
});
export type WebhookAnswer = Static<typeof WebhookAnswer>;

/** A live changed state: sent to every connection joined to a room of the live's community. */
export const LiveFrame = Type.Object({
  t: Type.Literal('live'),
  /** The room through which this connection receives it (one copy per joined room of the community). */
  room: Type.String(),
  live: LiveView,
});
export type LiveFrame = Static<typeof LiveFrame>;
