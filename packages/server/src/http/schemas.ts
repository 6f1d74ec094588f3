/**
 * JSON Schemas of the HTTP API. They validate requests, serialise responses and feed /api/openapi.json,
 * so the document cannot drift from what the server does. Kept inline (no $ref) so each is self-contained.
 */
const str = { type: 'string' } as const;
const isoTime = { type: 'string', format: 'date-time' } as const;
const nullable = <T extends object>(s: T) => ({ anyOf: [s, { type: 'null' }] });
const communityRole = { type: 'string', enum: ['owner', 'artist', 'moderator', 'member', 'fan'] } as const;

export const errorBody = {
  type: 'object',
  description: 'Every error answer: a stable code from docs/errors.md and a human message.',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: str, message: str, details: {} },
    },
  },
} as const;

export const userView = {
  type: 'object',
  required: ['id', 'name', 'displayName', 'admin', 'createdAt'],
  properties: { id: str, name: str, displayName: str, admin: { type: 'boolean' }, createdAt: isoTime },
} as const;

export const authResponse = {
  type: 'object',
  required: ['accessToken', 'expiresIn', 'refreshToken', 'user'],
  properties: {
    accessToken: { type: 'string', description: 'EdDSA JWT; send as `Authorization: Bearer <token>`' },
    expiresIn: { type: 'integer', description: 'Seconds until the access token expires' },
    refreshToken: { type: 'string', description: 'One use only: each refresh answers a new one' },
    user: userView,
  },
} as const;

export const communityView = {
  type: 'object',
  required: ['id', 'slug', 'name', 'description', 'createdAt', 'myRole'],
  properties: {
    id: str,
    slug: str,
    name: str,
    description: str,
    createdAt: isoTime,
    myRole: nullable(communityRole),
  },
} as const;

export const roomView = {
  type: 'object',
  required: ['id', 'communityId', 'name', 'kind', 'access', 'createdAt'],
  properties: {
    id: str,
    communityId: str,
    name: str,
    kind: { type: 'string', enum: ['community', 'live'] },
    access: { type: 'string', enum: ['public', 'members'] },
    createdAt: isoTime,
  },
} as const;

export const memberView = {
  type: 'object',
  required: ['userId', 'name', 'displayName', 'role', 'joinedAt'],
  properties: { userId: str, name: str, displayName: str, role: communityRole, joinedAt: isoTime },
} as const;

const position = {
  type: 'object',
  required: ['epoch', 'offset'],
  properties: { epoch: str, offset: { type: 'integer' } },
} as const;

export const chatMessage = {
  type: 'object',
  required: ['id', 'room', 'pos', 'cid', 'user', 'role', 'priority', 'text', 'ts'],
  properties: {
    id: str,
    room: str,
    pos: position,
    cid: str,
    user: {
      type: 'object',
      required: ['id', 'name', 'displayName'],
      properties: { id: str, name: str, displayName: str },
    },
    role: { type: 'string', enum: ['owner', 'artist', 'moderator', 'member', 'fan', 'admin', 'system'] },
    priority: { type: 'boolean' },
    text: str,
    ts: { type: 'integer', description: 'Milliseconds since the epoch' },
  },
} as const;

export const messagePage = {
  type: 'object',
  required: ['messages', 'prevCursor', 'nextCursor'],
  properties: {
    messages: { type: 'array', items: chatMessage },
    prevCursor: { ...nullable({ type: 'integer' }), description: 'Pass as `before` for the older page' },
    nextCursor: { ...nullable({ type: 'integer' }), description: 'Pass as `after` for the newer page' },
  },
} as const;

/** Ids are opaque text; an unknown one answers not_found. */
export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

export const pageQuery = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
    after: { type: 'string', maxLength: 64, description: 'The `next` of the previous page' },
  },
} as const;

/** Every authenticated route may answer these. */
export const commonErrors = {
  400: errorBody,
  401: errorBody,
  403: errorBody,
  404: errorBody,
  409: errorBody,
  429: errorBody,
  500: errorBody,
  503: errorBody,
} as const;

export const bearer = [{ bearerAuth: [] }];
