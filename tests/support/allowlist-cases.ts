/**
 * The fault matrix of allowlist-faults.test.ts: each fault on the allowlist endpoints, as the
 * emulator injects it, and what the provider must do — ride it out with so many retries, or
 * fail the step saying so, with nothing removed after a failed add.
 */
import { GAVE_UP, TIMED_OUT, type Fault } from "./fault-cases";

/** The allowlist request a fault takes: the read, an add (POST) or a removal (DELETE). */
export type AllowlistTarget = "read" | "add" | "remove";

export const ALLOWLIST_ROUTE: Record<AllowlistTarget, string> = {
  read: "GET /users/:id/ip-whitelist",
  add: "POST /users/:id/ip-whitelist",
  remove: "DELETE /users/:id/ip-whitelist",
};

export const ALLOWLIST_METHOD: Record<AllowlistTarget, string> = {
  read: "GET",
  add: "POST",
  remove: "DELETE",
};

export interface AllowlistCase {
  name: string;
  fault: Fault;
  /** Requests of the faulted route beyond what a clean run sends (retries). */
  retries?: number;
  /** Set when the step must fail: the failing request's attempts and what its message says. */
  failure?: { attempts: number; message: RegExp[] };
  /** @default all three */
  only?: AllowlistTarget[];
}

const RATE_LIMITED = { error: "rate limit exceeded", status: 429 };
const SERVER_SIDE = /Vultr's API is failing on its side: try again later/;
/** Vultr's answer to a key whose user may not manage users (the allowlist is a user setting). */
export const FORBIDDEN = { error: "Unauthorized to manage users.", status: 403 };
/** A 400 whose text says why: the emulator's own text for a full allowlist. */
export const LIMIT_REACHED = {
  error: "IP whitelist limit reached: a user may have at most 50 entries; remove one first.",
  status: 400,
};

export const ALLOWLIST_CASES: AllowlistCase[] = [
  {
    name: "429 burst of 3",
    fault: { kind: "status", status: 429, body: RATE_LIMITED, times: 3 },
    retries: 3,
  },
  {
    name: "429 persistent",
    fault: { kind: "status", status: 429, body: RATE_LIMITED, persistent: true },
    failure: {
      attempts: 5,
      message: [/Vultr answered 429 "rate limit exceeded"/, /vultr:maxRequestsPerSecond/, GAVE_UP],
    },
  },
  { name: "500 once", fault: { kind: "status", status: 500 }, retries: 1 },
  {
    name: "503 persistent",
    fault: { kind: "status", status: 503, persistent: true },
    failure: {
      attempts: 5,
      message: [/Vultr answered 503 "Service Unavailable"/, SERVER_SIDE, GAVE_UP],
    },
  },
  { name: "connection reset once", fault: { kind: "reset" }, retries: 1 },
  {
    name: "connection reset persistent",
    fault: { kind: "reset", persistent: true },
    failure: {
      attempts: 5,
      message: [
        /the connection to Vultr failed \(ECONNRESET/,
        /check `vultr:apiEndpoint`/,
        GAVE_UP,
      ],
    },
  },
  { name: "hang once", fault: { kind: "hang" }, retries: 1 },
  {
    name: "hang persistent",
    fault: { kind: "hang", persistent: true },
    failure: { attempts: 5, message: [TIMED_OUT, /raise VULTR_TIMEOUT_MS/, GAVE_UP] },
  },
  { name: "200 with a non-JSON body once", fault: { kind: "non-json" }, retries: 1 },
  {
    name: "200 with a non-JSON body persistent",
    fault: { kind: "non-json", persistent: true },
    failure: {
      attempts: 5,
      message: [
        /Vultr's answer is not JSON \(it starts with/,
        /check `vultr:apiEndpoint`/,
        GAVE_UP,
      ],
    },
  },
  {
    name: "400 with Vultr's text",
    fault: { kind: "status", status: 400, body: LIMIT_REACHED },
    failure: {
      attempts: 1,
      message: [
        /Vultr answered 400 "IP whitelist limit reached: a user may have at most 50 entries; remove one first\."/,
        /Vultr refused the request \(its text above says why\)/,
      ],
    },
    only: ["add"],
  },
  {
    name: "403",
    fault: { kind: "status", status: 403, body: FORBIDDEN, persistent: true },
    failure: {
      attempts: 1,
      message: [
        /Vultr answered 403 "Unauthorized to manage users\."/,
        /lacks the `manage_users` permission: use the account owner's key, or grant `manage_users`/,
      ],
    },
  },
];

/** How the failing request's message starts, naming the user (and the entry for writes). */
export function allowlistLabel(target: AllowlistTarget, userId: string, entry: string): RegExp {
  const escaped = entry.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  if (target === "read") return new RegExp(`^Reading the API allowlist of Vultr user ${userId}: `);
  if (target === "add") {
    return new RegExp(`^Adding ${escaped} to the API allowlist of Vultr user ${userId}: `);
  }
  return new RegExp(`^Removing ${escaped} from the API allowlist of Vultr user ${userId}: `);
}
