import type { ApiKeySecret } from "./api-key-secret";
import type { VultrClock } from "./vultr-clock";

/**
 * A Vultr user as the API shows it (never with a password or key). The optional fields are the
 * 2026 API's; they are present only when Vultr sent them with the documented type.
 */
export interface VultrUser {
  id: string;
  email: string;
  name: string;
  apiEnabled: boolean;
  acls: string[];
  firstName?: string;
  lastName?: string;
  /** `pending`, `active`, `suspended` or `closed`; kept as sent, so a new state still reads. */
  status?: string;
  /** An API-only user, without a portal login. */
  serviceUser?: boolean;
  /** ISO 8601, or `""` when the user did nothing in the past year. */
  lastActivity?: string;
  invitedBy?: string;
  /** ISO 8601. */
  invitedOn?: string;
  inviteAccepted?: boolean;
}

/** One of a user's API keys, as listed: the key itself masked but for its last characters. */
export interface ApiKeyInfo {
  id: string;
  /** `"*******************************00000"`: only the tail is visible. */
  maskedKey: string;
  name: string;
  expire: boolean;
  /** When the key stops working (ISO 8601), or null when it does not expire. */
  dateExpire: string | null;
}

/** A user's keys and the time Vultr answered: "now" for judging their expiry. */
export interface ApiKeyListing {
  keys: ApiKeyInfo[];
  /** From the answer's `Date` header; this machine's clock, with the reason, when unreadable. */
  clock: VultrClock;
}

/** A key to create. */
export interface NewApiKey {
  /** The key's name in Vultr; Vultr's length limit is not documented. */
  name: string;
  /** When the key stops working; absent: it never expires. Sent to the second. */
  dateExpire?: Date;
}

/** A key just made: its listing and, this once, its value. */
export interface CreatedApiKey {
  key: ApiKeyInfo;
  /** The clear key; `reveal()` gives it, printing shows only its hint. */
  apiKey: ApiKeySecret;
}

export interface UsersPage {
  users: VultrUser[];
  /** `meta.total`: the size of the whole list. */
  total: number;
  /** The opaque cursor of the next page, or undefined on the last page. */
  nextCursor: string | undefined;
}

export interface ClientSettings {
  apiKey: string;
  /** API base URL. @default "https://api.vultr.com/v2" */
  endpoint: string;
  /** Timeout of one attempt, headers and body. @default 30000 */
  timeoutMs: number;
  /** Retries after the first attempt for retryable failures. @default 4 (5 attempts) */
  maxRetries: number;
  /** A request with its retries gives up after this long. @default 45000 */
  deadlineMs: number;
  /** First backoff ceiling. @default 500 */
  retryBaseMs: number;
  /** Largest backoff ceiling. @default 8000 */
  retryMaxMs: number;
  /** Longest `Retry-After` honoured. @default 20000 */
  retryAfterCapMs: number;
}

export const CLIENT_DEFAULTS = {
  endpoint: "https://api.vultr.com/v2",
  timeoutMs: 30_000,
  maxRetries: 4,
  deadlineMs: 45_000,
  retryBaseMs: 500,
  retryMaxMs: 8_000,
  retryAfterCapMs: 20_000,
} satisfies Omit<ClientSettings, "apiKey">;
