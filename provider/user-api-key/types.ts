import { UNKNOWN } from "../values/unknown";

/** The type token's last part, and how messages name the resource. */
export const KEY_TYPE_NAME = "UserApiKey";

/** Vultr documents no limit; the emulator's knob `apiKeyNameMaxLength` defaults to this. */
export const MAX_KEY_NAME_LENGTH = 64;

/** The longest lifetime accepted (Vultr documents none). */
export const MAX_LIFETIME_DAYS = 365;

/** The inputs after `check`: validated, defaults applied. userId or email may be UNKNOWN. */
export interface DeclaredKey {
  userId?: string;
  email?: string;
  name: string;
  lifetimeDays: number;
  rotateBeforeDays: number;
  keepPrevious: boolean;
}

/** The resource's outputs, as stored in state. */
export interface KeyOutputs {
  userId: string;
  email: string;
  name: string;
  keyId: string;
  /** The clear key, as Vultr returned it once: a secret output. */
  apiKey: string;
  /** `"…3f9a2"`: the last 5 characters. */
  keyHint: string;
  dateExpire: string;
  /** "" when there is none. */
  previousKeyId: string;
  previousKeyHint: string;
  previousDateExpire: string;
  /**
   * Keys this resource made that are due to be deleted but still exist (a DELETE failed, or the
   * deployment runs with the key): the next `up` retires them, removing the resource deletes them.
   */
  retiringKeyIds: string[];
  lifetimeDays: number;
  rotateBeforeDays: number;
  keepPrevious: boolean;
}

export { UNKNOWN };
