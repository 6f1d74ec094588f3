/** HTTP shapes of administration and operations: key rotation, liveness, readiness, metrics. */
import { Type, type Static } from '@sinclair/typebox';

export const RotateKeyResponse = Type.Object({ kid: Type.String({ description: 'The new key id' }) });
export type RotateKeyResponse = Static<typeof RotateKeyResponse>;

export const Health = Type.Object({ status: Type.Literal('ok') });
export type Health = Static<typeof Health>;

export const Readiness = Type.Object({
  ready: Type.Boolean(),
  checks: Type.Record(Type.String(), Type.Boolean(), { description: 'Each check by name' }),
});
export type Readiness = Static<typeof Readiness>;

export const MetricsText = Type.String({ description: 'Prometheus text format' });
