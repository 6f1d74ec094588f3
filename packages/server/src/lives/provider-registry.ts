/**
 * The video providers configured in this process. A provider that is not configured is not offered:
 * choosing it for a new live is `validation_failed` (field `provider`, with the offered ones), and a stored
 * live whose provider is no longer configured answers `provider_error` instead of crashing.
 */
import { AppError } from '../errors.ts';
import type { ProviderName, StreamProvider } from './providers/stream-provider.ts';

export class ProviderRegistry {
  private readonly byName = new Map<ProviderName, StreamProvider>();

  constructor(
    providers: StreamProvider[],
    readonly defaultName: ProviderName,
  ) {
    for (const p of providers) this.byName.set(p.name, p);
  }

  /** Configured providers, in a stable order. */
  offered(): ProviderName[] {
    return (['local', 'ivs', 'mux', 'cloudflare'] as const).filter((n) => this.byName.has(n));
  }

  /** The provider for a new live: the chosen one or the default. Throws validation_failed when not offered. */
  forNewLive(chosen: ProviderName | undefined): StreamProvider {
    const name = chosen ?? this.defaultName;
    const p = this.byName.get(name);
    if (p === undefined) {
      throw new AppError(
        'validation_failed',
        `The provider ${name} is not configured here; choose one of: ${this.offered().join(', ') || 'none'}`,
        { details: { field: 'provider', offered: this.offered() } },
      );
    }
    return p;
  }

  /** The provider of a stored live. Throws provider_error when it is not configured (any more). */
  of(name: ProviderName): StreamProvider {
    const p = this.byName.get(name);
    if (p === undefined) {
      throw new AppError('provider_error', `The live's provider (${name}) is not configured on this server`);
    }
    return p;
  }

  has(name: string): name is ProviderName {
    return this.byName.has(name as ProviderName);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.byName.values()].map((p) => p.close()));
  }
}
