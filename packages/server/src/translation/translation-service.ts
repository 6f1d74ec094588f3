/**
 * A message in the reader's language, free for every fan who may read the room. Each (message, language) is
 * translated once: the answer is cached (shared across processes in scale-out mode), concurrent askers in this
 * process share one provider call, and across processes one claims the work while the others wait briefly for
 * its result. A message already in the asked language is answered as it is, without the provider.
 */
import type { TranslationLanguage, TranslationView } from '@lightstick/protocol';
import { AppError } from '../errors.ts';
import type { Principal } from '../auth/principal.ts';
import { can } from '../auth/guards.ts';
import type { RoomAccess } from '../chat/room-access.ts';
import { detectLanguage } from '../chat/language.ts';
import type { RateLimiter } from '../ratelimit/rate-limiter.ts';
import type { Store } from '../storage/repositories.ts';
import type { MessageFinder } from '../moderation/message-finder.ts';
import { limitOrRefuse } from '../moderation/limit.ts';
import { ModerationRateRules } from '../moderation/rate-rules.ts';
import type { TranslationCache } from './translation-cache.ts';
import type { TranslationProvider } from './translation-provider.ts';

export interface TranslationServiceDeps {
  access: RoomAccess;
  finder: MessageFinder;
  store: Pick<Store, 'moderation'>;
  rateLimiter: RateLimiter;
  cache: TranslationCache;
  /** undefined: translation is not configured (answers unavailable). */
  provider: TranslationProvider | undefined;
  /** How long a translation is kept (default 7 days). */
  cacheTtlMs?: number;
  /** A provider call longer than this is abandoned (default 5 s). */
  timeoutMs?: number;
  /** How long another process's claimed translation is waited for before translating here too (default 3 s). */
  waitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** The base language of a translation target: zh-TW is zh. */
const base = (lang: string) => lang.split('-')[0]!.toLowerCase();

export class TranslationService {
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(private readonly deps: TranslationServiceDeps) {}

  async translate(
    p: Principal,
    roomId: string,
    mid: string,
    lang: TranslationLanguage,
  ): Promise<TranslationView> {
    const grant = await this.deps.access.join(p, roomId);
    if (!can(grant.role, 'message.translate'))
      throw new AppError('forbidden', 'Join the community to read its rooms');
    const message = await this.deps.finder.find(roomId, mid);
    const hidden =
      message !== undefined &&
      !can(grant.role, 'message.viewDeleted') &&
      (await this.deps.store.moderation.deletions([mid])).length > 0;
    if (message === undefined || hidden) throw new AppError('not_found', 'No such message in this room');
    const source = message.lang ?? detectLanguage(message.text);
    if (base(source) === base(lang) && !(lang === 'zh-TW' || source === 'zh-TW')) {
      return { mid, lang, source, text: message.text, provider: 'none' };
    }
    const { provider } = this.deps;
    if (provider === undefined) throw new AppError('unavailable', 'Translation is not set up on this server');
    if (!provider.supports(lang)) {
      throw new AppError('validation_failed', `Translation into ${lang} is not available here`, {
        details: { field: 'lang' },
      });
    }
    await limitOrRefuse(this.deps.rateLimiter, `translate:${p.userId}`, ModerationRateRules.translatePerUser);
    const key = `${mid}:${lang}`;
    let pending = this.inflight.get(key);
    if (pending === undefined) {
      pending = this.cachedOrTranslate(key, provider, {
        text: message.text,
        target: lang,
        ...(source !== 'und' ? { source } : {}),
      });
      this.inflight.set(key, pending);
      const done = () => this.inflight.delete(key);
      pending.then(done, done);
    }
    return { mid, lang, source, text: await pending, provider: provider.name };
  }

  private async cachedOrTranslate(
    key: string,
    provider: TranslationProvider,
    req: { text: string; source?: string; target: TranslationLanguage },
  ): Promise<string> {
    const { cache } = this.deps;
    const hit = await cache.get(key);
    if (hit !== undefined) return hit;
    const timeoutMs = this.deps.timeoutMs ?? 5000;
    if (!(await cache.claim(key, timeoutMs + 1000))) {
      // Another process is translating it: wait for its result rather than paying twice.
      const sleep = this.deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
      const until = Date.now() + (this.deps.waitMs ?? 3000);
      while (Date.now() < until) {
        await sleep(50);
        const v = await cache.get(key);
        if (v !== undefined) return v;
      }
    }
    try {
      const { text } = await provider.translate(req, AbortSignal.timeout(timeoutMs));
      await cache.put(key, text, this.deps.cacheTtlMs ?? 7 * 24 * 3600 * 1000);
      return text;
    } catch (err) {
      if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
        throw new AppError('unavailable', 'The translation took too long; try again');
      }
      throw err;
    } finally {
      await cache.release(key).catch(() => {});
    }
  }
}
