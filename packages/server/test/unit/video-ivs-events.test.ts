/**
 * IVS event deliveries with real signatures made in the test: SNS messages signed as AWS signs them
 * (SignatureVersion 1 and 2, a certificate served over HTTPS by the SNS stand-in), the SNS subscription
 * handshake, and EventBridge API-destination deliveries with the shared secret header.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { AppError } from '../../src/errors.ts';
import type { WebhookDelivery } from '../../src/lives/providers/stream-provider.ts';
import { setUpIvs, type IvsSetup } from '../support/fakes/ivs-harness.ts';

const CHANNEL = 'arn:aws:ivs:us-west-2:123456789012:channel/AbCdEf123456';
const code = (c: string) => (err: unknown) => err instanceof AppError && err.code === c;

describe('IVS events', () => {
  let s: IvsSetup;
  before(async () => {
    s = await setUpIvs();
  });
  after(async () => {
    await s.close();
  });

  const event = (eventName: string, at = Date.now(), detailType?: string) =>
    s.eventBridge({
      id: randomUUID(),
      channelId: CHANNEL,
      eventName,
      at,
      ...(detailType ? { detailType } : {}),
    });
  const apiDestination = (
    body: string,
    secret: string | undefined,
    receivedAt = Date.now(),
  ): WebhookDelivery => ({
    headers: {
      'content-type': 'application/json',
      ...(secret !== undefined ? { 'x-lightstick-events-secret': secret } : {}),
    },
    body: Buffer.from(body),
    receivedAt,
  });

  for (const version of ['1', '2'] as const) {
    test(`an SNS notification signed with SignatureVersion ${version} gives its event`, async () => {
      const at = Math.floor(Date.now() / 1000) * 1000;
      const body = s.eventBridge({ id: 'ev-1', channelId: CHANNEL, eventName: 'Stream Start', at });
      const got = await s.provider.parseEvents(s.snsDelivery(s.sns.notification(body, { version })));
      assert.deepEqual(got, [{ id: 'ev-1', channelId: CHANNEL, type: 'started', at }]);
    });
  }

  test('Stream End, Stream Failure and Session Ended stop; Session Created and other kinds give nothing', async () => {
    for (const name of ['Stream End', 'Stream Failure', 'Session Ended']) {
      const got = await s.provider.parseEvents(s.snsDelivery(s.sns.notification(event(name))));
      assert.equal(got[0]?.type, 'stopped', name);
    }
    assert.deepEqual(
      await s.provider.parseEvents(s.snsDelivery(s.sns.notification(event('Session Created')))),
      [],
    );
    const health = event('Starvation Start', Date.now(), 'IVS Stream Health Change');
    assert.deepEqual(await s.provider.parseEvents(s.snsDelivery(s.sns.notification(health))), []);
  });

  test('a changed message, a forged signature or an unknown SignatureVersion is forbidden', async () => {
    const msg = s.sns.notification(event('Stream Start'));
    await assert.rejects(
      s.provider.parseEvents(s.snsDelivery({ ...msg, Message: event('Stream End') })),
      code('forbidden'),
    );
    const forged = { ...msg, Signature: Buffer.alloc(256, 7).toString('base64') };
    await assert.rejects(s.provider.parseEvents(s.snsDelivery(forged)), code('forbidden'));
    await assert.rejects(
      s.provider.parseEvents(s.snsDelivery({ ...msg, SignatureVersion: '3' })),
      code('forbidden'),
    );
  });

  test('a certificate from a host outside the pattern, or over http, is never fetched', async () => {
    for (const certUrl of [
      'https://evil.example/SimpleNotificationService-0123.pem',
      s.sns.certUrl.replace('https:', 'http:'),
      s.sns.certUrl.replace('.pem', '.txt'),
    ]) {
      const msg = s.sns.notification(event('Stream Start'), { certUrl });
      await assert.rejects(s.provider.parseEvents(s.snsDelivery(msg)), code('forbidden'), certUrl);
    }
  });

  test('a message from a topic this server did not subscribe is forbidden', async () => {
    const msg = s.sns.notification(event('Stream Start'), {
      topicArn: 'arn:aws:sns:us-west-2:999999999999:other',
    });
    await assert.rejects(s.provider.parseEvents(s.snsDelivery(msg)), code('forbidden'));
  });

  test('a message older than the tolerance is forbidden; within it, accepted', async () => {
    const at = Date.now() - 10 * 60_000;
    const old = s.sns.notification(event('Stream Start', at), { at });
    await assert.rejects(s.provider.parseEvents(s.snsDelivery(old)), code('forbidden'));
    const recent = s.sns.notification(event('Stream Start'), { at: Date.now() - 60_000 });
    assert.equal((await s.provider.parseEvents(s.snsDelivery(recent))).length, 1);
  });

  test('a SubscriptionConfirmation is verified, then confirmed by visiting its SubscribeURL', async () => {
    const before = s.sns.confirmations();
    assert.deepEqual(await s.provider.parseEvents(s.snsDelivery(s.sns.subscriptionConfirmation())), []);
    assert.equal(s.sns.confirmations(), before + 1);
    const forged = { ...s.sns.subscriptionConfirmation(), Token: 'another' };
    await assert.rejects(s.provider.parseEvents(s.snsDelivery(forged)), code('forbidden'));
    assert.equal(s.sns.confirmations(), before + 1);
  });

  test('malformed deliveries are bad_request', async () => {
    const bad = (body: string): WebhookDelivery => ({
      headers: { 'x-amz-sns-message-type': 'Notification' },
      body: Buffer.from(body),
      receivedAt: Date.now(),
    });
    await assert.rejects(s.provider.parseEvents(bad('not json')), code('bad_request'));
    await assert.rejects(s.provider.parseEvents(bad('[1,2]')), code('bad_request'));
    await assert.rejects(s.provider.parseEvents(bad('{"Type":"Notification"}')), code('bad_request'));
    const notJson = s.sns.notification('this is not an event');
    await assert.rejects(s.provider.parseEvents(s.snsDelivery(notJson)), code('bad_request'));
    const noChannel = JSON.stringify({ ...JSON.parse(event('Stream Start')), resources: [] });
    await assert.rejects(
      s.provider.parseEvents(s.snsDelivery(s.sns.notification(noChannel))),
      code('bad_request'),
    );
  });

  test('an API-destination delivery needs the shared secret header', async () => {
    const body = event('Stream Start');
    assert.equal((await s.provider.parseEvents(apiDestination(body, s.eventsSecret))).length, 1);
    await assert.rejects(s.provider.parseEvents(apiDestination(body, undefined)), code('forbidden'));
    await assert.rejects(
      s.provider.parseEvents(apiDestination(body, `${s.eventsSecret}x`)),
      code('forbidden'),
    );
    await assert.rejects(
      s.provider.parseEvents(apiDestination('{"id":1}', s.eventsSecret)),
      code('bad_request'),
    );
    const stale = event('Stream Start', Date.now() - 3_600_000);
    await assert.rejects(s.provider.parseEvents(apiDestination(stale, s.eventsSecret)), code('forbidden'));
  });

  test('an event for a channel nobody knows is returned as such (the live service ignores it)', async () => {
    const other = 'arn:aws:ivs:us-west-2:123456789012:channel/Unknown00000';
    const body = s.eventBridge({
      id: randomUUID(),
      channelId: other,
      eventName: 'Stream Start',
      at: Date.now(),
    });
    const got = await s.provider.parseEvents(s.snsDelivery(s.sns.notification(body)));
    assert.equal(got[0]?.channelId, other);
  });
});

describe('IVS events without SNS topics or a secret configured', () => {
  test('every delivery is forbidden', async () => {
    const s = await setUpIvs({
      env: { LIGHTSTICK_IVS_SNS_TOPIC_ARNS: '', LIGHTSTICK_IVS_EVENTS_SECRET: '' },
    });
    try {
      const body = s.eventBridge({ id: 'x', channelId: CHANNEL, eventName: 'Stream Start', at: Date.now() });
      await assert.rejects(
        s.provider.parseEvents(s.snsDelivery(s.sns.notification(body))),
        code('forbidden'),
      );
      const plain: WebhookDelivery = {
        headers: { 'x-lightstick-events-secret': '' },
        body: Buffer.from(body),
        receivedAt: Date.now(),
      };
      await assert.rejects(s.provider.parseEvents(plain), code('forbidden'));
    } finally {
      await s.close();
    }
  });
});
