import { peerAddress } from "./address-policy";
import { asRecord, nonNegativeInteger } from "./control-input";
import { EmulatorInputError } from "./errors";
import type { ApiBehaviour } from "./api-behaviour";

export const DEFAULT_BEHAVIOUR = {
  patchStatus: 204,
  maskApiKeys: true,
  allowlistPublicOnly: true,
  allowlistMaxEntries: 50,
  allowlistHostBits: "reject",
  allowlistAbsentRemoveStatus: 404,
  createKeyAnswer: "key",
  apiKeyNameMaxLength: 64,
  apiKeysPerUser: 10,
} as const satisfies ApiBehaviour;

const BEHAVIOUR_KEYS = Object.keys(DEFAULT_BEHAVIOUR) as (keyof ApiBehaviour)[];

/**
 * `current` with the knobs in `input` changed, every one checked first (so a bad one changes
 * nothing). Keys that are not knobs are left for the caller (options carry other settings).
 */
export function withBehaviour(current: ApiBehaviour, input: unknown): ApiBehaviour {
  const fields = asRecord(input, "The settings");
  const next: ApiBehaviour = { ...current };
  for (const key of BEHAVIOUR_KEYS) {
    const value = fields[key];
    if (value === undefined) continue;
    switch (key) {
      case "patchStatus":
        next.patchStatus = oneOf(value, [204, 202] as const, key);
        break;
      case "allowlistAbsentRemoveStatus":
        next.allowlistAbsentRemoveStatus = oneOf(value, [404, 204] as const, key);
        break;
      case "allowlistHostBits":
        next.allowlistHostBits = oneOf(value, ["reject", "mask"] as const, key);
        break;
      case "maskApiKeys":
      case "allowlistPublicOnly":
        if (typeof value !== "boolean") throw new EmulatorInputError(`${key} must be a boolean.`);
        next[key] = value;
        break;
      case "createKeyAnswer":
        next.createKeyAnswer = oneOf(value, ["key", "empty"] as const, key);
        break;
      case "allowlistMaxEntries":
      case "apiKeyNameMaxLength":
      case "apiKeysPerUser":
        next[key] = nonNegativeInteger(value, key);
        break;
    }
  }
  return next;
}

/** A client address must be a plain IPv4 or IPv6 address; undefined or null: none. */
export function checkedClientAddress(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || peerAddress(value) === undefined) {
    throw new EmulatorInputError(
      `clientAddress must be an IPv4 or IPv6 address (or null for none), not ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

function oneOf<T>(value: unknown, allowed: readonly T[], key: string): T {
  if (!allowed.includes(value as T)) {
    throw new EmulatorInputError(
      `${key} must be one of ${allowed.map((item) => JSON.stringify(item)).join(", ")}.`,
    );
  }
  return value as T;
}
