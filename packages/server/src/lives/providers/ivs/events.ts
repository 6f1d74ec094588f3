/**
 * IVS stream state events as they reach POST /api/providers/ivs/events. EventBridge forwards the
 * "IVS Stream State Change" event either
 * - through an SNS topic with an HTTPS subscription: an SNS message whose `Message` is the event, verified
 *   by its SNS signature and accepted only from the configured topics (any AWS account can sign SNS messages,
 *   so the topic is what makes them ours), or
 * - as an API destination: the event itself as the body, with the connection's API-key header
 *   (LIGHTSTICK_IVS_EVENTS_HEADER: LIGHTSTICK_IVS_EVENTS_SECRET).
 * Stream Start -> started; Stream End, Stream Failure and Session Ended -> stopped; other kinds -> none.
 */
import { AppError } from '../../../errors.ts';
import type { IvsConfig } from '../../../config/video.ts';
import type { ProviderEvent, WebhookDelivery } from '../stream-provider.ts';
import { ensureFresh, header, jsonObject, secretEquals } from '../cloud/webhook.ts';
import { asSnsMessage, type SnsVerifier } from './sns.ts';

const STATE_CHANGE = 'IVS Stream State Change';
const EVENT_TYPES: Record<string, ProviderEvent['type']> = {
  'Stream Start': 'started',
  'Stream End': 'stopped',
  'Stream Failure': 'stopped',
  'Session Ended': 'stopped',
};

export async function parseIvsDelivery(
  delivery: WebhookDelivery,
  config: IvsConfig,
  sns: SnsVerifier,
  toleranceMs: number,
): Promise<ProviderEvent[]> {
  const body = jsonObject(delivery.body, 'IVS event delivery');
  const viaSns = header(delivery, 'x-amz-sns-message-type') !== undefined || 'SigningCertURL' in body;
  if (!viaSns) {
    if (
      config.eventsSecret === undefined ||
      !secretEquals(header(delivery, config.eventsHeader), config.eventsSecret)
    ) {
      throw new AppError('forbidden', `The ${config.eventsHeader} header is missing or wrong`);
    }
    const events = fromEventBridge(body);
    for (const e of events) ensureFresh(e.at, delivery, toleranceMs);
    return events;
  }
  const message = asSnsMessage(body);
  if (!config.snsTopicArns.includes(message.TopicArn)) {
    throw new AppError('forbidden', 'The SNS topic is not one this server subscribed to');
  }
  await sns.verify(message);
  ensureFresh(Date.parse(message.Timestamp), delivery, toleranceMs);
  switch (message.Type) {
    case 'SubscriptionConfirmation':
      await sns.confirm(message);
      return [];
    case 'UnsubscribeConfirmation':
      return [];
    case 'Notification':
      return fromEventBridge(jsonObject(message.Message, 'SNS Message'));
  }
}

/** One EventBridge event -> at most one ProviderEvent; AppError('bad_request') for a body not of its shape. */
export function fromEventBridge(event: Record<string, unknown>): ProviderEvent[] {
  const { id, time, resources, detail } = event;
  const kind = event['detail-type'];
  if (typeof id !== 'string' || typeof time !== 'string' || typeof kind !== 'string') {
    throw new AppError('bad_request', 'The body is not an EventBridge event');
  }
  if (event.source !== 'aws.ivs' || kind !== STATE_CHANGE) return [];
  const name = (detail as { event_name?: unknown } | null)?.event_name;
  const at = Date.parse(time);
  if (typeof name !== 'string' || !Array.isArray(resources) || !Number.isFinite(at)) {
    throw new AppError('bad_request', 'The IVS event has no event_name, resources or time');
  }
  const type = EVENT_TYPES[name];
  if (type === undefined) return [];
  const channelId = resources.find((r): r is string => typeof r === 'string' && r.includes(':channel/'));
  if (channelId === undefined) throw new AppError('bad_request', 'The IVS event names no channel');
  return [{ id, channelId, type, at }];
}
