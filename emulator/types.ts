import type { ApiBehaviour } from "./api-behaviour";

export type { ApiBehaviour } from "./api-behaviour";

/** How to start an emulator. Every field is optional. */
export interface EmulatorOptions extends Partial<ApiBehaviour> {
  /**
   * The account owner's API key; it may manage users whatever else happens.
   * @default a random 36-character key of A-Z and 0-9, shaped like a real Vultr key
   */
  ownerKey?: string;
  /** @default "127.0.0.1" — loopback, because the control plane has no authentication */
  host?: string;
  /** @default 0 (any free port) */
  port?: number;
  /** Users present from the start: a count of generated users, or the given users. */
  users?: number | SeedUser[];
  /** Seed of the generator used for `users: N`; the same seed gives the same users. */
  seed?: number;
  /** @default 0 — added to every `/v2` answer */
  latencyMs?: number;
  /**
   * Requests accepted per source address within any 1000 ms; the next one gets 429.
   * @default 30 (Vultr's documented limit); 0 turns the limit off
   */
  rateLimitPerSecond?: number;
  /**
   * The address sub-users' requests are taken to come from, checked against their allowlists
   * (requests really arrive from loopback). Never applies to the owner key.
   * @default undefined — no allowlist enforcement
   */
  clientAddress?: string;
  /**
   * Seconds added to the machine's clock for everything the emulator dates (the `Date` header,
   * key expiry, `last_activity`, new records); negative moves it back.
   * @default 0
   */
  clockOffsetSeconds?: number;
}

/** A user's state in the 2026 API. */
export type UserStatus = "pending" | "active" | "suspended" | "closed";

/** One of a user's API keys, in clear text: only the control plane shows this. */
export interface EmulatedApiKey {
  /** A UUID. */
  id: string;
  /** The key itself. */
  api_key: string;
  name: string;
  /** Whether the key stops working at `date_expire`. */
  expire: boolean;
  /** ISO 8601, or `""` when the key does not expire. */
  date_expire: string;
}

/** A key to give a user behind the API's back; every field is optional. */
export interface NewApiKey {
  /** @default a generated UUID */
  id?: string;
  /** @default a generated 36-character key */
  api_key?: string;
  /** @default "default" */
  name?: string;
  /** @default true when `date_expire` is given, else false */
  expire?: boolean;
  /** ISO 8601; may lie in the past, to make an expired key. */
  date_expire?: string;
}

/** One entry of a user's API IP allowlist, as the API lists it. */
export interface AllowlistEntry {
  /** The network address, IPv6 in RFC 5952 form (`2606:4700::`). */
  subnet: string;
  /** The prefix length; 0 with `0.0.0.0` or `::` admits the whole family. */
  subnet_size: number;
  /** ISO 8601. */
  date_added: string;
  ip_type: "v4" | "v6";
}

/**
 * An allowlist entry given to the control plane. Only its syntax is checked (drift may hold what
 * the API would refuse); `ip_type` follows from the subnet.
 */
export interface AllowlistEntryInput {
  subnet: string;
  subnet_size: number;
  /** @default the time of the call */
  date_added?: string;
}

/** A user to put into the account as it is, through the control plane or the options. */
export interface SeedUser {
  /** A UUID or a 13-hex legacy id. @default a generated UUID v4 */
  id?: string;
  email: string;
  /** The full name. Required unless `first_name` is given. @default first_name and last_name joined */
  name?: string;
  /** @default the first word of name */
  first_name?: string;
  /** @default the rest of name after its first word, or "" */
  last_name?: string;
  /** @default true */
  api_enabled?: boolean;
  /** @default [] */
  acls?: string[];
  /** The user's first API key (named "default", never expiring). @default a generated key */
  api_key?: string;
  /** @default false */
  service_user?: boolean;
  /** @default "active" */
  status?: UserStatus;
  /** ISO 8601, or "" for no activity in the past year. @default "" */
  last_activity?: string;
  /** @default "" */
  invited_by?: string;
  /** ISO 8601 or "". @default "" */
  invited_on?: string;
  /** @default true unless status is "pending" */
  invite_accepted?: boolean;
  /** The user's allowlist. @default "any IPv4" and "any IPv6" (0.0.0.0/0 and ::/0) */
  ip_whitelist?: AllowlistEntryInput[];
}

/** A user as the emulator holds it, secrets included: only the control plane shows this. */
export interface EmulatedUser {
  id: string;
  email: string;
  name: string;
  api_enabled: boolean;
  acls: string[];
  /** The user's first key (`api_keys[0]`), `""` when it has none. */
  api_key: string;
  service_user: boolean;
  password?: string;
  first_name: string;
  last_name: string;
  status: UserStatus;
  last_activity: string;
  invited_by: string;
  invited_on: string;
  invite_accepted: boolean;
  /** Every key of the user, in creation order, in clear text. Each authenticates as the user. */
  api_keys: EmulatedApiKey[];
  ip_whitelist: AllowlistEntry[];
}

/** One `/v2` request as the emulator saw it. */
export interface RequestLogEntry {
  method: string;
  /** API path without the `/v2` prefix and without the query, e.g. `/users/3f2c…` */
  path: string;
  /** The raw query string without `?`; `""` if none. */
  query: string;
  /**
   * `"GET /users"`, `"GET /users/:id"`, `"PATCH /users/:id"`, `"POST /users"`, `"DELETE /users/:id"`,
   * `"GET /users/:id/apikeys"`, `"POST /users/:id/apikeys"`, `"DELETE /users/:id/apikeys/:apikey_id"`,
   * `"GET /users/:id/ip-whitelist"`, `"GET /users/:id/ip-whitelist/entry"`,
   * `"POST /users/:id/ip-whitelist"`, `"DELETE /users/:id/ip-whitelist"` or `"UNKNOWN"`.
   */
  route: string;
  /** The status sent; 0 while unanswered and for hang and reset faults. */
  status: number;
  /** The fault kind, when a fault took the request. */
  fault?: string;
  /** The parsed JSON body of a PATCH, POST or DELETE, when it was JSON; `password` and `api_key` values are redacted. */
  body?: unknown;
  /** Arrival time, ms since the epoch. */
  at: number;
}

export type FaultKind = "status" | "hang" | "reset" | "non-json" | "truncated" | "delay";

/** A misbehaviour to inject into matching `/v2` requests, before rate limiting and auth. */
export interface FaultSpec {
  /** e.g. `"PATCH"`; absent matches any method. */
  method?: string;
  /** API path without `/v2`: exact (`"/users/ID"`) or a prefix ending in `*` (`"/users*"`); absent matches any. */
  path?: string;
  kind: FaultKind;
  /** For `status`: the status to answer with. For `non-json`: overrides 200 (e.g. an HTML 502 from a proxy). */
  status?: number;
  /** For `status`: the JSON value to answer with, or a string sent verbatim. @default {"error":"<reason phrase>","status":N} */
  body?: unknown;
  /** Extra response headers, e.g. `{"retry-after": "1"}`. */
  headers?: Record<string, string>;
  /** For `delay`: how long to wait before handling the request normally. */
  delayMs?: number;
  /** How many matching requests the fault takes. @default 1 (ignored when persistent) */
  times?: number;
  /** Takes every matching request until the faults are cleared. */
  persistent?: boolean;
}

export interface Counters {
  /** `/v2` requests received. */
  total: number;
  /** Requests by route, e.g. `{"GET /users": 3}`. */
  byRoute: Record<string, number>;
  /** Answers by status; `"0"` counts hangs and resets. */
  byStatus: Record<string, number>;
  /** 429s sent by the rate limiter (not by faults). */
  rateLimited: number;
  /** PATCH /users/{id} that changed the account (answered 204 or 202); compare with `byRoute` for PATCHes sent. */
  patches: number;
}

/** What tests and demos may do to the account behind the API's back. */
export interface EmulatorControl {
  /** Adds users and returns them, with their ids and API keys. */
  seedUsers(users: number | SeedUser[], seed?: number): EmulatedUser[];
  listUsers(): EmulatedUser[];
  getUser(id: string): EmulatedUser | undefined;
  /** Changes a user without going through the API (drift). Throws if the user is unknown. */
  setUser(id: string, fields: Partial<Omit<EmulatedUser, "id">>): EmulatedUser;
  deleteUser(id: string): boolean;
  /** Returns the fault's id. */
  addFault(fault: FaultSpec): string;
  clearFaults(): void;
  /** `/v2` requests only, in arrival order. */
  requestLog(): RequestLogEntry[];
  /** Also resets the counters. */
  clearRequestLog(): void;
  counters(): Counters;
  setLatency(ms: number): void;
  setRateLimit(perSecond: number): void;
  /** The emulator's clock (ms since the epoch): the machine's plus the offset. */
  now(): number;
  clockOffsetSeconds(): number;
  /** Moves the emulator's clock to the machine's plus `seconds`; forgets the rate-limit window. */
  setClockOffset(seconds: number): void;
  /** Removes users, faults, the request log, counters and the rate-limit history; keeps settings. */
  reset(): void;
  /** The knobs as they are now. */
  behaviour(): ApiBehaviour;
  /** Changes some knobs (all are checked before any is applied); returns them all. */
  setBehaviour(changes: Partial<ApiBehaviour>): ApiBehaviour;
  /** Shorthand for `setBehaviour({ patchStatus })`. */
  setPatchStatus(status: 204 | 202): void;
  /** The address sub-users' requests are taken to come from; `undefined` turns enforcement off. */
  setClientAddress(address: string | undefined): void;
  getClientAddress(): string | undefined;
  /** A user's keys in clear text. Throws if the user is unknown. */
  listApiKeys(userId: string): EmulatedApiKey[];
  /** Gives a user one more key (any value and expiry, past dates included). Throws if the user is unknown. */
  addApiKey(userId: string, key?: NewApiKey): EmulatedApiKey;
  /** False when the user has no such key. Throws if the user is unknown. */
  removeApiKey(userId: string, keyId: string): boolean;
  /** Throws if the user is unknown. */
  getAllowlist(userId: string): AllowlistEntry[];
  /** Replaces a user's allowlist behind the API's back (drift). Throws if the user is unknown. */
  setAllowlist(userId: string, entries: AllowlistEntryInput[]): AllowlistEntry[];
}

export interface RunningEmulator extends EmulatorControl {
  /** e.g. `"http://127.0.0.1:40123/v2"` */
  baseUrl: string;
  /** e.g. `"http://127.0.0.1:40123/_emulator"` */
  controlUrl: string;
  ownerKey: string;
  port: number;
  /** Closes the server and destroys open sockets, hung ones included. */
  close(): Promise<void>;
}
