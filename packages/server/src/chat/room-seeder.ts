/**
 * What the gateway asks before a room's hot history is read or written: "make sure it holds what the archive
 * holds". Embedded mode: the HistorySeeder loads it from the archive. Scale-out mode: Redis holds the history
 * itself (the room streams), so there is nothing to load: `noRoomSeeder`.
 */
export interface RoomSeeder {
  ensure(room: string): Promise<void>;
}

/** Scale-out mode: the room streams are the hot history; seeding from the archive would overwrite them. */
export const noRoomSeeder: RoomSeeder = { ensure: () => Promise.resolve() };
