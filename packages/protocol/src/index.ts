/** @lightstick/protocol: the wire shapes (TypeBox schemas and their types), codes and limits of Lightstick. */
// kit.ts (schema helpers) is for the schemas of this package and stays out of its public API.
export * from './codes.ts';
export * from './limits.ts';
export * from './graphemes.ts';
export * from './roles.ts';
export * from './chat.ts';
export * from './error-shapes.ts';
export * from './session-frames.ts';
export * from './room-frames.ts';
export * from './live-messages.ts';
export * from './frames.ts';
export * from './http-accounts.ts';
export * from './http-communities.ts';
export * from './http-rooms.ts';
export * from './http-operations.ts';
export * from './lives.ts';
export * from './moderation.ts';
export * from './fandom-frames.ts';
export * from './translation.ts';
