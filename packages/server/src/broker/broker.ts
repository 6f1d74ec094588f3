import type { ChatMessage } from '@lightstick/protocol';

/** What crosses nodes on a room channel. */
export type Publication = { kind: 'message'; message: ChatMessage };

/** Node-to-node control messages (drain, kick, config reload). */
export interface ControlMessage {
  type: string;
  /** Target node id, or undefined for all nodes. */
  node?: string;
  data?: unknown;
}

export interface BrokerHandlers {
  /** Called for every publication on a subscribed channel, this node's own included. */
  onPublication(channel: string, pub: Publication): void;
  onControl(msg: ControlMessage): void;
}

/**
 * Pub/sub across nodes, at most once. Per channel, publications reach each subscribed node in publish order.
 * The node subscribes to a channel on its first local subscriber and unsubscribes on its last.
 */
export interface Broker {
  /** Registers the node's handlers; called once before any subscribe. */
  start(handlers: BrokerHandlers): Promise<void>;
  /** Idempotent; resolves when publications on these channels will be delivered. */
  subscribe(channels: string[]): Promise<void>;
  unsubscribe(channels: string[]): Promise<void>;
  /** Resolves once the broker accepted it; throws AppError('unavailable') when it cannot. */
  publish(channel: string, pub: Publication): Promise<void>;
  /** Sends to one node (msg.node) or all nodes. */
  control(msg: ControlMessage): Promise<void>;
  /** True while the broker can deliver (readiness). */
  ready(): boolean;
  close(): Promise<void>;
}
