/**
 * Small helpers for the wire schemas. Every wire shape is one TypeBox schema: the schema is the JSON Schema
 * the server validates with (Ajv) and the OpenAPI and AsyncAPI documents show, and `Static<typeof X>` is its
 * TypeScript type, so the two cannot drift.
 */
import { Type, type SchemaOptions, type TSchema } from '@sinclair/typebox';

/**
 * A string from a fixed list, as JSON Schema `{ type: 'string', enum: [...] }`. TypeBox's own union of
 * literals would be an `anyOf` of `const`s: the same values, a much longer document.
 */
export const StringEnum = <const T extends readonly string[]>(values: T, options: SchemaOptions = {}) =>
  Type.Unsafe<T[number]>({ ...options, type: 'string', enum: [...values] });

/** `T` or JSON `null`. */
export const Nullable = <T extends TSchema>(schema: T, options: SchemaOptions = {}) =>
  Type.Union([schema, Type.Null()], options);

/** A non-negative integer JavaScript holds exactly (frame ids, offsets, cursors). */
export const SafeCount = (options: SchemaOptions = {}) =>
  Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, ...options });

/** Times in the HTTP API: ISO 8601 text. */
export const IsoTime = (options: SchemaOptions = {}) => Type.String({ format: 'date-time', ...options });
