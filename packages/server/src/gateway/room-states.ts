/**
 * The rooms one connection joined, with each one's state: the one room nearly every fan is in kept in two
 * fields, a Map only from a second room on. V8 gives every Map a hash table of ~150 bytes from its first entry;
 * with one per connection that was ~180 bytes of each of a gateway's connections (heap snapshots of `idle`,
 * docs/benchmarks.md "Stop 27"). Written here because it is the Map methods the gateway uses and nothing more;
 * a general "small map" package would bring what the gateway does not need.
 */
export type RoomState = 'joining' | 'joined';

export class RoomStates {
  private room: string | undefined;
  private state: RoomState | undefined;
  private many: Map<string, RoomState> | undefined;

  get size(): number {
    return this.many?.size ?? (this.room === undefined ? 0 : 1);
  }

  get(room: string): RoomState | undefined {
    if (this.many !== undefined) return this.many.get(room);
    return room === this.room ? this.state : undefined;
  }

  has(room: string): boolean {
    return this.get(room) !== undefined;
  }

  set(room: string, state: RoomState): void {
    if (this.many !== undefined) this.many.set(room, state);
    else if (this.room === undefined || this.room === room) {
      this.room = room;
      this.state = state;
    } else {
      this.many = new Map([
        [this.room, this.state!],
        [room, state],
      ]);
      this.room = this.state = undefined;
    }
  }

  delete(room: string): boolean {
    if (this.many !== undefined) return this.many.delete(room);
    if (room !== this.room) return false;
    this.room = this.state = undefined;
    return true;
  }

  /** A copy: callers leave rooms while they walk them. */
  keys(): string[] {
    if (this.many !== undefined) return [...this.many.keys()];
    return this.room === undefined ? [] : [this.room];
  }

  clear(): void {
    this.room = this.state = undefined;
    this.many = undefined;
  }
}
