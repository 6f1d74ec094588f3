/**
 * Mux webhooks (`video.live_stream.*`), verified with the `mux-signature: t=<unix>,v1=<hex>` HMAC-SHA256 of
 * `${t}.${raw body}` under the webhook's signing secret. `active` -> started; `disconnected` (the encoder
 * went away; Mux waits the reconnect window) and `idle` (the window ended, or the stream was completed or
 * disabled) -> stopped. Other kinds are verified and then ignored.
 */
import { AppError } from '../../../errors.ts';
import type { ProviderEvent, WebhookDelivery } from '../stream-provider.ts';
import { jsonObject, verifyTimestampedHmac } from '../cloud/webhook.ts';

const TYPES: Record<string, ProviderEvent['type']> = {
  'video.live_stream.active': 'started',
  'video.live_stream.disconnected': 'stopped',
  'video.live_stream.idle': 'stopped',
};

export const MUX_SIGNATURE = { header: 'mux-signature', timeKey: 't', sigKey: 'v1' };

export function parseMuxDelivery(
  delivery: WebhookDelivery,
  secret: string | undefined,
  toleranceMs: number,
): ProviderEvent[] {
  verifyTimestampedHmac(delivery, MUX_SIGNATURE, secret, toleranceMs);
  const body = jsonObject(delivery.body, 'Mux webhook');
  const { id, type, created_at: createdAt } = body;
  const at = typeof createdAt === 'string' ? Date.parse(createdAt) : NaN;
  if (typeof id !== 'string' || typeof type !== 'string' || !Number.isFinite(at)) {
    throw new AppError('bad_request', 'The Mux webhook has no id, type or created_at');
  }
  const mapped = TYPES[type];
  if (mapped === undefined) return [];
  const object = body.object as { id?: unknown } | undefined;
  const data = body.data as { id?: unknown } | undefined;
  const channelId = typeof object?.id === 'string' ? object.id : data?.id;
  if (typeof channelId !== 'string')
    throw new AppError('bad_request', 'The Mux webhook names no live stream');
  return [{ id, channelId, type: mapped, at }];
}
