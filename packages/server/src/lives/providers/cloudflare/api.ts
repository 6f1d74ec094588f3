/**
 * The few Cloudflare Stream live-input REST calls Lightstick makes (create, get, update, delete), over
 * fetch with a bearer API token and a deadline. By hand rather than with the `cloudflare` SDK: that package
 * covers the whole Cloudflare API (hundreds of resources) for four calls whose shapes are documented and
 * stable. Errors become AppError: 404 not_found, anything else provider_error with a safe message.
 */
import { AppError } from '../../../errors.ts';
import type { CloudflareConfig } from '../../../config/video.ts';
import type { Logger } from '../../../observability/logger.ts';
import { providerFailure, unknownChannel } from '../cloud/failures.ts';

/** The parts of a live input Lightstick reads. */
export interface LiveInput {
  uid: string;
  rtmps?: { url?: string; streamKey?: string };
  meta?: Record<string, unknown>;
  enabled?: boolean;
  recording?: { mode?: string; requireSignedURLs?: boolean };
  /** The connection status: a state name, or `{ current: { state } }` in older answers; null when idle. */
  status?: string | { current?: { state?: string } } | null;
}

interface Envelope {
  success?: boolean;
  errors?: { code?: number; message?: string }[];
  result?: unknown;
}

export class CloudflareStreamApi {
  constructor(
    private readonly config: CloudflareConfig,
    private readonly logger: Logger,
    private readonly timeoutMs: number,
  ) {}

  create(body: Record<string, unknown>): Promise<LiveInput> {
    return this.request('create a live input', 'POST', '', body) as Promise<LiveInput>;
  }

  get(uid: string): Promise<LiveInput> {
    return this.request('read the live input', 'GET', `/${encodeURIComponent(uid)}`) as Promise<LiveInput>;
  }

  update(uid: string, body: Record<string, unknown>): Promise<LiveInput> {
    return this.request(
      'update the live input',
      'PUT',
      `/${encodeURIComponent(uid)}`,
      body,
    ) as Promise<LiveInput>;
  }

  async delete(uid: string): Promise<void> {
    await this.request('delete the live input', 'DELETE', `/${encodeURIComponent(uid)}`);
  }

  private async request(op: string, method: string, path: string, body?: unknown): Promise<unknown> {
    const url = `${this.config.apiUrl}/accounts/${encodeURIComponent(this.config.accountId)}/stream/live_inputs${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.config.apiToken}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch {
      throw providerFailure(this.logger, {
        provider: 'Cloudflare Stream',
        op,
        status: undefined,
        kind: undefined,
      });
    }
    let envelope: Envelope | undefined;
    try {
      const text = await res.text();
      envelope = text === '' ? {} : (JSON.parse(text) as Envelope);
    } catch {
      envelope = undefined;
    }
    if (res.status === 404) throw unknownChannel('Cloudflare Stream');
    if (!res.ok || envelope === undefined || envelope.success === false) {
      const code = envelope?.errors?.[0]?.code;
      throw providerFailure(this.logger, {
        provider: 'Cloudflare Stream',
        op,
        status: res.status,
        kind: typeof code === 'number' ? `code ${code}` : undefined,
      });
    }
    if (method !== 'DELETE') {
      const r = envelope.result as Partial<LiveInput> | undefined;
      if (typeof r?.uid !== 'string') {
        throw new AppError('provider_error', `Cloudflare Stream answered ${op} without a live input`);
      }
    }
    return envelope.result;
  }
}
