/**
 * Where Prometheus metrics are served (issue 8, item 15). `LIGHTSTICK_METRICS_PORT` moves `/metrics` off the
 * public port onto a listener of its own, so a proxy or Ingress in front of the public port cannot expose it
 * by accident; `LIGHTSTICK_METRICS_HOST` is that listener's address (default: the server's `HOST`, so a server
 * bound to loopback does not open its metrics to the network). Unset: `/metrics` stays on the public port.
 */
import { ConfigError, int, type Env } from './load.ts';

export interface MetricsConfig {
  /** The metrics listener's port (0: any free one); undefined: `/metrics` is served on the public port. */
  port: number | undefined;
  /** The metrics listener's address. */
  host: string;
}

export function loadMetrics(e: Env, server: { host: string; port: number }): MetricsConfig {
  const host = e.LIGHTSTICK_METRICS_HOST || undefined;
  if (e.LIGHTSTICK_METRICS_PORT === undefined || e.LIGHTSTICK_METRICS_PORT === '') {
    if (host !== undefined) {
      throw new ConfigError(
        'LIGHTSTICK_METRICS_HOST is set without LIGHTSTICK_METRICS_PORT; set both or neither',
      );
    }
    return { port: undefined, host: server.host };
  }
  const port = int(e, 'LIGHTSTICK_METRICS_PORT', 0, 0, 65535);
  if (port !== 0 && port === server.port) {
    throw new ConfigError(
      `LIGHTSTICK_METRICS_PORT=${port} is the public port (PORT); it must be another one`,
    );
  }
  return { port, host: host ?? server.host };
}
