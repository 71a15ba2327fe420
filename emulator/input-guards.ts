/**
 * The small guards every control-plane input goes through: a JSON object, an optional or required
 * field of a given shape, a non-negative count. A leaf module: the user, key and allowlist parsers
 * all import it.
 */
import { EmulatorInputError } from "./errors";

/** A non-negative whole count of users, milliseconds or requests per second. */
export function nonNegativeInteger(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new EmulatorInputError(`${what} must be a non-negative integer.`);
  }
  return value;
}

export function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new EmulatorInputError(`${what} must be a JSON object.`);
  }
  return value as Record<string, unknown>;
}

export function optional<T>(
  fields: Record<string, unknown>,
  key: string,
  accepts: (value: unknown) => value is T,
  expected: string,
): T | undefined {
  const value = fields[key];
  if (value === undefined) return undefined;
  if (!accepts(value)) throw new EmulatorInputError(`${key} must be ${expected}.`);
  return value;
}

export function required<T>(
  fields: Record<string, unknown>,
  key: string,
  accepts: (value: unknown) => value is T,
  expected: string,
): T {
  const value = optional(fields, key, accepts, expected);
  if (value === undefined) throw new EmulatorInputError(`${key} is required.`);
  return value;
}

export const isString = (value: unknown): value is string => typeof value === "string";
export const isBoolean = (value: unknown): value is boolean => typeof value === "boolean";
export const isNonEmptyString = (value: unknown): value is string =>
  typeof value === "string" && value.length > 0;
export const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every(isString);
