/**
 * The moderation checks of the send pipeline, in order (chat/send-service.ts runs them after the room guards and
 * before the rate limit): timeout, members-only, emote-only, word filter, review hook, slow mode, unique chat.
 * Staff (moderators, artists, owners, admins) pass every mode and the filter (auth/powers.ts); bans are refused
 * earlier, by the room guard. The two gates that record state (slow mode, unique chat) run last, so a message
 * refused for another reason costs the fan no slow-mode wait.
 */
import { createHash } from 'node:crypto';
import type { RoomMode } from '@lightstick/protocol';
import { AppError } from '../errors.ts';
import { can, ensureNotTimedOut } from '../auth/guards.ts';
import type { Logger } from '../observability/logger.ts';
import type { SendCheck, SendCheckInput } from '../chat/send-service.ts';
import type { Cached } from '../read-through-cache.ts';
import { isEmoteOnly } from './emote.ts';
import type { FilterSettingsService } from './filter/filter-settings.ts';
import { fold } from './filter/fold.ts';
import type { ModerationState } from './mode-state.ts';
import type { ReportService } from './reports.ts';
import type { ReviewPolicy, ReviewVerdict } from './review-hook.ts';

export interface SendChecksDeps {
  modes: Cached<RoomMode>;
  state: ModerationState;
  filters: FilterSettingsService;
  reports: Pick<ReportService, 'hold'>;
  review?: ReviewPolicy;
  /** How long unique-chat remembers a text in a room (default 30 s). */
  uniqueWindowMs?: number;
  logger?: Logger;
}

const exempt = (i: SendCheckInput) => can(i.role, 'mode.exempt');

export function moderationChecks(deps: SendChecksDeps): SendCheck[] {
  const uniqueWindowMs = deps.uniqueWindowMs ?? 30_000;
  const checks: SendCheck[] = [
    {
      name: 'timeout',
      check: (i) => ensureNotTimedOut(i.principal, i.sanctions, i.now),
    },
    {
      name: 'members_only',
      async check(i) {
        if (can(i.role, 'message.sendMembersOnly')) return;
        if ((await deps.modes.get(i.room.id)).membersOnly) {
          throw new AppError('members_only', 'This room is members-only right now');
        }
      },
    },
    {
      name: 'emote_only',
      async check(i) {
        if (exempt(i) || !(await deps.modes.get(i.room.id)).emoteOnly) return;
        if (!isEmoteOnly(i.text)) throw new AppError('emote_only', 'This room is emoji-only right now');
      },
    },
    {
      name: 'word_filter',
      async check(i) {
        if (can(i.role, 'filter.exempt')) return;
        const v = (await deps.filters.compiled.get(i.room.communityId)).check(i.text);
        if (v.action === 'allow') return;
        if (v.action === 'mask') return { text: v.masked };
        if (v.action === 'hold') {
          await deps.reports.hold(
            i,
            i.principal,
            i.text,
            i.cid,
            `filter: ${v.hits.map((h) => h.term).join(', ')}`,
          );
          throw new AppError('filtered', 'Your message is held for a moderator to review', {
            details: { action: 'hold' },
          });
        }
        throw new AppError('filtered', 'Your message was not sent: it contains a blocked word', {
          details: { action: 'block' },
        });
      },
    },
  ];
  if (deps.review) checks.push(reviewCheck(deps.review, deps.logger));
  checks.push(
    {
      name: 'slow_mode',
      async check(i) {
        if (exempt(i)) return;
        const { slowSeconds } = await deps.modes.get(i.room.id);
        if (slowSeconds <= 0) return;
        const d = await deps.state.slowGate(i.room.id, i.principal.userId, slowSeconds * 1000, i.now);
        if (!d.allowed) {
          throw new AppError('slow_mode', `Slow mode: one message every ${slowSeconds} s`, {
            retryAfterMs: d.retryAfterMs,
          });
        }
      },
    },
    {
      name: 'unique_chat',
      async check(i) {
        if (exempt(i) || !(await deps.modes.get(i.room.id)).uniqueChat) return;
        // The folded form, so "LOL", "l o l" and "ｌｏｌ" are one text.
        const key = createHash('sha256')
          .update(fold(i.text).compact.text || i.text)
          .digest('base64url')
          .slice(0, 22);
        const d = await deps.state.uniqueGate(i.room.id, key, uniqueWindowMs, i.now);
        if (!d.allowed) {
          throw new AppError('duplicate_text', 'Unique chat: that was just said; say something new', {
            retryAfterMs: d.retryAfterMs,
          });
        }
      },
    },
  );
  return checks;
}

function reviewCheck(policy: ReviewPolicy, logger: Logger | undefined): SendCheck {
  return {
    name: 'review_hook',
    async check(i) {
      if (can(i.role, 'filter.exempt')) return;
      const controller = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), policy.deadlineMs);
      });
      let verdict: ReviewVerdict | 'late' | 'failed';
      try {
        const review = policy.hook.review(
          {
            communityId: i.room.communityId,
            room: i.room.id,
            cid: i.cid,
            sender: { id: i.principal.userId, name: i.principal.name, role: i.role },
            text: i.text,
          },
          controller.signal,
        );
        verdict = await Promise.race([
          review.catch((err: unknown) => {
            logger?.warn({ err }, 'review hook failed');
            return 'failed' as const;
          }),
          deadline,
        ]);
      } finally {
        clearTimeout(timer);
        controller.abort();
      }
      if (verdict === 'late' || verdict === 'failed') {
        if (policy.failMode === 'open') return;
        throw new AppError('unavailable', 'The message could not be reviewed in time; try again');
      }
      if (verdict.result === 'deny') {
        throw new AppError('filtered', 'Your message was not accepted', { details: { action: 'review' } });
      }
      return verdict.text !== undefined ? { text: verdict.text } : undefined;
    },
  };
}
