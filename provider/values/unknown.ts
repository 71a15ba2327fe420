/**
 * Pulumi sends this string in place of a value that is not known yet (during preview, an input
 * computed from another resource's output).
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): value is typeof UNKNOWN {
  return value === UNKNOWN;
}
