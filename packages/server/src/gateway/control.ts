/**
 * Typed control messages between nodes, and their handlers on a gateway node. A control message reaches one
 * node (by id) or every node through the broker, at most once; each node runs the handlers registered for its
 * type. Parts that need to act on live sockets everywhere register here: the security work closes a revoked
 * session's sockets, moderation drops a banned or demoted user from a community's rooms on every gateway.
 *
 * A new type is declared once, by declaration merging, so sender and handler agree on its data:
 *   declare module '../gateway/control.ts' {
 *     interface ControlTypes { 'session.revoked': { sessionId: string } }
 *   }
 *   gateway.control.on('session.revoked', ({ sessionId }) => gateway.closeWhere(...));
 *   await sendControl(broker, 'session.revoked', { sessionId });
 */
import type { Broker, ControlMessage } from '../broker/broker.ts';
import type { Logger } from '../observability/logger.ts';

/** Control message types and their data (extended by declaration merging). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ControlTypes {}

export type ControlType = keyof ControlTypes & string;
export type ControlHandler<K extends ControlType> = (
  data: ControlTypes[K],
  msg: ControlMessage,
) => void | Promise<void>;

export class ControlRegistry {
  private readonly handlers = new Map<
    string,
    Set<(data: unknown, msg: ControlMessage) => void | Promise<void>>
  >();

  constructor(private readonly logger: Logger) {}

  /** Registers a handler for `type`; returns the function that removes it. */
  on<K extends ControlType>(type: K, handler: ControlHandler<K>): () => void {
    let set = this.handlers.get(type);
    if (set === undefined) {
      set = new Set();
      this.handlers.set(type, set);
    }
    const h = handler as (data: unknown, msg: ControlMessage) => void | Promise<void>;
    set.add(h);
    return () => set.delete(h);
  }

  /** The broker's onControl: runs every handler of the message's type; a failing handler is logged. */
  dispatch(msg: ControlMessage): void {
    const set = this.handlers.get(msg.type);
    if (set === undefined || set.size === 0) {
      this.logger.debug({ type: msg.type }, 'control message without a handler');
      return;
    }
    for (const h of set) {
      try {
        const r = h(msg.data, msg);
        if (r instanceof Promise) r.catch((err: unknown) => this.failed(msg, err));
      } catch (err) {
        this.failed(msg, err);
      }
    }
  }

  private failed(msg: ControlMessage, err: unknown): void {
    this.logger.error({ err, type: msg.type }, 'control handler failed');
  }
}

/** Sends a typed control message to one node (`node`) or all nodes. Throws AppError('unavailable'). */
export function sendControl<K extends ControlType>(
  broker: Pick<Broker, 'control'>,
  type: K,
  data: ControlTypes[K],
  node?: string,
): Promise<void> {
  return broker.control(node === undefined ? { type, data } : { type, node, data });
}
