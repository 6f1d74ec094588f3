/**
 * Turning a provider API failure into an answer safe to show the creator. A provider's own error text can
 * echo request details, so it never reaches the answer: the message names the provider, the operation and
 * the HTTP status or error kind only, and the log line carries the same fields (no headers, no body).
 */
import { AppError } from '../../../errors.ts';
import type { Logger } from '../../../observability/logger.ts';

export interface FailureFacts {
  provider: string;
  op: string;
  /** HTTP status of the provider's answer; undefined when none arrived (timeout, connection refused). */
  status: number | undefined;
  /** The provider's error kind (an AWS exception name, a Mux error type), checked to be a plain word. */
  kind: string | undefined;
}

const PLAIN = /^[A-Za-z0-9_. -]{1,64}$/;

export function providerFailure(logger: Logger, facts: FailureFacts): AppError {
  const kind = facts.kind !== undefined && PLAIN.test(facts.kind) ? facts.kind : undefined;
  logger.warn(
    { provider: facts.provider, op: facts.op, status: facts.status, kind },
    'video provider request failed',
  );
  const what =
    facts.status === undefined
      ? 'did not answer'
      : `answered ${facts.status}${kind !== undefined ? ` (${kind})` : ''}`;
  return new AppError('provider_error', `${facts.provider} ${what} to ${facts.op}; try again later`, {
    details: {
      provider: facts.provider,
      op: facts.op,
      ...(facts.status !== undefined ? { status: facts.status } : {}),
    },
  });
}

export const unknownChannel = (provider: string): AppError =>
  new AppError('not_found', `No such channel at ${provider}`);
