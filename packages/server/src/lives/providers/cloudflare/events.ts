/**
 * Cloudflare deliveries to POST /api/providers/cloudflare/events, two kinds:
 * - Live input notifications (Notifications -> "Stream Live Input" with a webhook destination): the body
 *   `{ name, text, data: { notification_name, input_id, event_type, updated_at }, ts }`, authenticated by the
 *   destination's secret that Cloudflare sends in the `cf-webhook-auth` header (the documented scheme for
 *   notification webhooks: no HMAC). live_input.connected -> started; live_input.disconnected and
 *   live_input.errored -> stopped. Notifications carry no event id, so the id is made of the input, the kind
 *   and the provider's `updated_at`: a redelivery of the same notification has the same id.
 * - Stream webhooks (`Webhook-Signature: time=<unix>,sig1=<hex>`, HMAC-SHA256 of `${time}.${body}` under the
 *   webhook secret): they report recordings (videos), not live state, so they are verified and give no event.
 */
import { AppError } from '../../../errors.ts';
import type { CloudflareConfig } from '../../../config/video.ts';
import type { ProviderEvent, WebhookDelivery } from '../stream-provider.ts';
import { ensureFresh, header, jsonObject, secretEquals, verifyTimestampedHmac } from '../cloud/webhook.ts';

const TYPES: Record<string, ProviderEvent['type']> = {
  'live_input.connected': 'started',
  'live_input.disconnected': 'stopped',
  'live_input.errored': 'stopped',
};

export const STREAM_SIGNATURE = { header: 'webhook-signature', timeKey: 'time', sigKey: 'sig1' };
export const NOTIFICATION_AUTH = 'cf-webhook-auth';

export function parseCloudflareDelivery(
  delivery: WebhookDelivery,
  config: CloudflareConfig,
  toleranceMs: number,
): ProviderEvent[] {
  if (
    header(delivery, NOTIFICATION_AUTH) === undefined &&
    header(delivery, STREAM_SIGNATURE.header) !== undefined
  ) {
    verifyTimestampedHmac(delivery, STREAM_SIGNATURE, config.webhookSecret, toleranceMs);
    jsonObject(delivery.body, 'Stream webhook');
    return [];
  }
  if (
    config.notificationSecret === undefined ||
    !secretEquals(header(delivery, NOTIFICATION_AUTH), config.notificationSecret)
  ) {
    throw new AppError('forbidden', `The ${NOTIFICATION_AUTH} header is missing or wrong`);
  }
  const body = jsonObject(delivery.body, 'Cloudflare notification');
  const data = body.data as Record<string, unknown> | undefined;
  if (typeof body.ts !== 'number' || data === null || typeof data !== 'object') {
    throw new AppError('bad_request', 'The Cloudflare notification has no data or ts');
  }
  ensureFresh(body.ts * 1000, delivery, toleranceMs);
  const { input_id: inputId, event_type: kind, updated_at: updatedAt } = data;
  if (typeof kind !== 'string')
    throw new AppError('bad_request', 'The Cloudflare notification has no event_type');
  const type = TYPES[kind];
  if (type === undefined) return [];
  const at = typeof updatedAt === 'string' ? Date.parse(updatedAt) : NaN;
  if (typeof inputId !== 'string' || inputId === '' || !Number.isFinite(at)) {
    throw new AppError('bad_request', 'The live input notification has no input_id or updated_at');
  }
  return [{ id: `${inputId}:${kind}:${updatedAt as string}`, channelId: inputId, type, at }];
}
