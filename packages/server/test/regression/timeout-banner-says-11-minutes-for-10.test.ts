/**
 * A moderator's 10-minute timeout was told to the fan as "you can send again in 11 minutes" (CI, stop 19): the
 * banner's clock was its last redraw, read before the refusal arrived, and the first render after it counted
 * the wait from that older time: 600 000 ms plus the gap, rounded up to the minute, is 11. The effect's next
 * tick corrected it, so the sentence was wrong only until then, on a busy machine long enough to be read.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { timeLeft } from '../../../web/src/fandom/mode-banner.tsx';
import { sendErrorSentence } from '../../../web/src/fandom/strings.ts';

describe('regression: a 10-minute timeout said "11 minutes" on its first render', () => {
  test('a clock older than the refusal counts from when it was told', () => {
    const at = 1_000_000;
    const refusal = { code: 'timed_out', retryAfterMs: 600_000, at };
    const stale = at - 45_000; // the banner last redrew 45 s before the timeout was told
    assert.equal(timeLeft(refusal, stale), 600_000);
    assert.equal(
      sendErrorSentence('timed_out', timeLeft(refusal, stale), 'ko'),
      '채팅이 일시 제한됐어요: 10분 후에 다시 보낼 수 있어요.',
    );
  });

  test('after it was told the wait counts down, and a refusal without `at` keeps its wait', () => {
    const refusal = { code: 'timed_out', retryAfterMs: 600_000, at: 1_000_000 };
    assert.equal(timeLeft(refusal, 1_000_000 + 61_000), 539_000);
    assert.equal(timeLeft(refusal, 1_000_000 + 600_000), 0);
    assert.equal(timeLeft({ code: 'slow_mode', retryAfterMs: 2_000 }, 5), 2_000);
    assert.equal(timeLeft({ code: 'banned' }, 5), undefined);
    assert.equal(timeLeft(null, 5), undefined);
  });
});
