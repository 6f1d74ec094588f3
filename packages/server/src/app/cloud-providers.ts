/**
 * The cloud video providers this configuration offers: one StreamProvider for each of IVS, Mux and
 * Cloudflare Stream whose block is set in config/video.ts, none for the others (a provider that is not
 * configured is not offered). The provider registry adds these beside the local provider. Each adapter is
 * imported only when its block is set: the AWS and Mux SDKs are most of the server bundle's size, and an idle
 * process that offers neither should not hold them (issue 6: idle RSS and start time).
 */
import type { Agent } from 'node:https';
import type { Config } from '../config/config.ts';
import type { Logger } from '../observability/logger.ts';
import type { Runtime } from '../runtime.ts';
import type { StreamProvider } from '../lives/providers/stream-provider.ts';

export interface CloudProviderDeps {
  runtime: Runtime;
  logger: Logger;
  /** Tests only: an HTTPS agent trusting the test CA, for SNS certificate and subscription requests. */
  snsAgent?: Agent;
  /** Tests only: Mux SDK retries (default 2). */
  muxMaxRetries?: number;
}

export async function cloudProviders(
  config: Pick<Config, 'video'>,
  deps: CloudProviderDeps,
): Promise<StreamProvider[]> {
  const { video } = config;
  const common = {
    runtime: deps.runtime,
    logger: deps.logger,
    toleranceMs: video.eventToleranceMs,
    timeoutMs: video.apiTimeoutMs,
  };
  const out: StreamProvider[] = [];
  if (video.ivs) {
    const { IvsProvider } = await import('../lives/providers/ivs/ivs-provider.ts');
    out.push(
      new IvsProvider(video.ivs, { ...common, ...(deps.snsAgent ? { snsAgent: deps.snsAgent } : {}) }),
    );
  }
  if (video.mux) {
    const { MuxProvider } = await import('../lives/providers/mux/mux-provider.ts');
    out.push(
      new MuxProvider(video.mux, {
        ...common,
        ...(deps.muxMaxRetries !== undefined ? { maxRetries: deps.muxMaxRetries } : {}),
      }),
    );
  }
  if (video.cloudflare) {
    const { CloudflareProvider } = await import('../lives/providers/cloudflare/cloudflare-provider.ts');
    out.push(new CloudflareProvider(video.cloudflare, common));
  }
  return out;
}
