/**
 * The send pipeline as domain rules: validate -> authorise -> moderation checks -> the replied message (a reply
 * carries it) -> MessageLog.commit, which takes the send buckets chosen by the sender's role (send-rate.ts:
 * staff rates only in communities the platform vouches for, so a staff send reads its community), dedups by
 * (room, user, cid), stores, positions and publishes in one step (scale-out: one Redis script call; no SQL
 * query beyond the cached access reads, except the look-up of the message a reply answers). No I/O of its own.
 */
import {
  Limits,
  type AuthorRole,
  type ChatMessage,
  type MessageAnnotations,
  type Position,
  type ReplyRef,
} from '@lightstick/protocol';
import { AppError } from '../errors.ts';
import { isPriorityRole } from '../auth/guards.ts';
import type { Principal } from '../auth/principal.ts';
import type { Runtime } from '../runtime.ts';
import type { MessageDraft, Store } from '../storage/repositories.ts';
import type { Config } from '../config/config.ts';
import type { MessageLog } from './message-log.ts';
import { isCommunityStaff, rateRole, sendRateFor } from './send-rate.ts';
import { ReceiveTimes } from './receive-times.ts';
import { RoomAccess, type RoomGrant } from './room-access.ts';
import { normaliseText, validateClientId } from './text.ts';

/** What the caller (a connection) knows about the sender. */
export interface SendContext {
  principal: Principal;
  /** Whether this connection has joined the room: sending needs a join first. */
  isJoined(room: string): boolean;
  /** Monotonic ms (performance.now()) when the frame arrived, for the deliver-latency metric. */
  receivedAt?: number;
}

export interface SendInput {
  room: string;
  cid: string;
  text: string;
  /** Id of a message of the same room this answers (the message carries it as `reply`). */
  replyTo?: string;
}

/** The ack fields. */
export interface SendResult {
  room: string;
  cid: string;
  mid: string;
  pos: Position;
  duplicate: boolean;
  message: ChatMessage;
}

export interface SendCheckInput extends RoomGrant {
  principal: Principal;
  text: string;
  cid: string;
  now: number;
}

/** What a check may change: the text as stored (the word filter masks, the review hook may rewrite). */
export interface SendCheckResult {
  text?: string;
}

/**
 * One moderation rule. Throws an AppError to refuse the send, or returns a new text. Checks run in list order
 * after the room guards and before the rate limit, each seeing the text the previous ones left; timeouts,
 * modes, the word filter and the review hook plug in here (moderation/send-checks.ts).
 */
export interface SendCheck {
  name: string;
  check(input: SendCheckInput): void | SendCheckResult | Promise<void | SendCheckResult>;
}

/** Adds the detected language, mentions and links to an accepted text (chat/annotate.ts); never throws. */
export type Annotator = (text: string) => Promise<MessageAnnotations>;

export interface SendLimits {
  maxMessageChars: number;
  maxMessageBytes: number;
  maxClientIdChars: number;
}

export interface SendServiceDeps {
  store: Pick<Store, 'rooms' | 'communities' | 'sanctions'>;
  messageLog: MessageLog;
  runtime: Runtime;
  /** Send buckets by role and the room ceiling (Config.sendRate). */
  sendRate: Config['sendRate'];
  limits?: Partial<SendLimits>;
  /** Moderation checks, in order. */
  checks?: SendCheck[];
  /** Language, mentions and links of each accepted message; none when absent. */
  annotate?: Annotator;
  /** Finds the message a reply answers (undefined when unknown or deleted); without it replies are refused. */
  replies?: (room: string, mid: string) => Promise<ChatMessage | undefined>;
}

export class SendService {
  /** Receive times by message id, read by the gateway's outbox. */
  readonly receiveTimes = new ReceiveTimes();
  private readonly limits: SendLimits;
  private readonly access: RoomAccess;
  private readonly checks: SendCheck[];

  constructor(private readonly deps: SendServiceDeps) {
    this.limits = { ...Limits, ...deps.limits };
    this.access = new RoomAccess(deps.store, deps.runtime);
    this.checks = deps.checks ?? [];
  }

  async send(ctx: SendContext, input: SendInput): Promise<SendResult> {
    let text = normaliseText(input.text, this.limits);
    const cid = validateClientId(input.cid, this.limits);
    const { principal } = ctx;

    const grant = await this.access.send(principal, input.room);
    if (!ctx.isJoined(input.room)) throw new AppError('not_joined', 'Join the room before sending to it');
    const now = this.deps.runtime.now();
    for (const c of this.checks) {
      const changed = await c.check({ ...grant, principal, text, cid, now });
      // A rewritten text (masked, or changed by the review hook) obeys the same rules as what was typed.
      if (changed?.text !== undefined) text = normaliseText(changed.text, this.limits);
    }

    const reply = input.replyTo === undefined ? undefined : await this.replied(input.room, input.replyTo);
    const priority = isPriorityRole(grant.role);
    const draft: MessageDraft = {
      id: this.deps.runtime.id(),
      room: input.room,
      cid,
      user: { id: principal.userId, name: principal.name, displayName: principal.displayName },
      role: grant.role,
      priority,
      text,
      ts: now,
      ...(this.deps.annotate ? await this.deps.annotate(text) : {}),
      ...(reply ? { reply } : {}),
    };
    if (ctx.receivedAt !== undefined) this.receiveTimes.set(draft.id, ctx.receivedAt);
    let committed;
    try {
      committed = await this.deps.messageLog.commit(
        draft,
        sendRateFor(await this.rateRole(grant), this.deps.sendRate),
      );
    } catch (err) {
      this.receiveTimes.take(draft.id);
      throw err;
    }
    const { message, duplicate } = committed;
    if (duplicate) this.receiveTimes.take(draft.id);
    return result(message, duplicate);
  }

  /** Staff rates only in communities the platform vouches for (send-rate.ts); fans and admins read nothing. */
  private async rateRole(grant: RoomGrant): Promise<AuthorRole> {
    if (!isCommunityStaff(grant.role)) return grant.role;
    return rateRole(grant.role, await this.deps.store.communities.byId(grant.room.communityId));
  }

  private async replied(room: string, mid: string): Promise<ReplyRef> {
    const m = await this.deps.replies?.(room, mid);
    if (m === undefined) throw new AppError('not_found', 'The message this replies to is not in the room');
    return { id: m.id, user: m.user, text: m.text };
  }
}

function result(message: ChatMessage, duplicate: boolean): SendResult {
  return { room: message.room, cid: message.cid, mid: message.id, pos: message.pos, duplicate, message };
}
