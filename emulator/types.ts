/** How to start an emulator. Every field is optional. */
export interface EmulatorOptions {
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
}

/** A user to put into the account as it is, through the control plane or the options. */
export interface SeedUser {
  /** A UUID or a 13-hex legacy id. @default a generated UUID v4 */
  id?: string;
  email: string;
  name: string;
  /** @default true */
  api_enabled?: boolean;
  /** @default [] */
  acls?: string[];
  /** The user's own API key. @default a generated key */
  api_key?: string;
  /** @default false */
  service_user?: boolean;
}

/** A user as the emulator holds it, secrets included: only the control plane shows this. */
export interface EmulatedUser {
  id: string;
  email: string;
  name: string;
  api_enabled: boolean;
  acls: string[];
  api_key: string;
  service_user: boolean;
  password?: string;
}

/** One `/v2` request as the emulator saw it. */
export interface RequestLogEntry {
  method: string;
  /** API path without the `/v2` prefix and without the query, e.g. `/users/3f2c…` */
  path: string;
  /** The raw query string without `?`; `""` if none. */
  query: string;
  /** `"GET /users"`, `"GET /users/:id"`, `"PATCH /users/:id"`, `"POST /users"`, `"DELETE /users/:id"` or `"UNKNOWN"`. */
  route: string;
  /** The status sent; 0 while unanswered and for hang and reset faults. */
  status: number;
  /** The fault kind, when a fault took the request. */
  fault?: string;
  /** The parsed JSON body of a PATCH or POST, when it was JSON; a `password` value is redacted. */
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
  /** PATCHes that changed the account (answered 204); compare with `byRoute` for PATCHes sent. */
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
  /** Removes users, faults, the request log, counters and the rate-limit history; keeps settings. */
  reset(): void;
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
