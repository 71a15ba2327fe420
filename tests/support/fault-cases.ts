/**
 * The fault matrix of transport-faults.test.ts: each fault, as the emulator injects it, and what
 * the provider must do about it — succeed after so many attempts, or fail the step saying so.
 */
import type { FaultSpec } from "../../emulator";
import { FAST_TIMEOUT_MS } from "./fault-lab";

export type Target = "list" | "get" | "patch";
export type Fault = Omit<FaultSpec, "method" | "path">;

export interface Expectation {
  /** Requests the faulted route received (retries included). */
  attempts: number;
  /** Set when the step must fail: what its message must say. */
  message?: RegExp[];
  minElapsedMs?: number;
  maxElapsedMs?: number;
}

export interface FaultCase {
  name: string;
  fault: Fault;
  expect: Expectation;
  /** The targets the case runs on. @default all three */
  only?: Target[];
}

/** Vultr's rate limiter answers with another key order: another layer sends it. */
const RATE_LIMITED = '{"status": 429,"error": "rate limit exceeded"}';
const SERVER_SIDE = /Vultr's API is failing on its side: try again later/;
export const GAVE_UP = /\[gave up after 5 attempts\]/;
export const TIMED_OUT = new RegExp(`no complete answer from Vultr within ${FAST_TIMEOUT_MS} ms`);

export const CASES: FaultCase[] = [
  {
    name: "429 burst of 3 without Retry-After",
    fault: { kind: "status", status: 429, body: RATE_LIMITED, times: 3 },
    expect: { attempts: 4 },
  },
  {
    name: "429 once with Retry-After: 1",
    fault: { kind: "status", status: 429, body: RATE_LIMITED, headers: { "retry-after": "1" } },
    expect: { attempts: 2, minElapsedMs: 950 },
    // Honouring it costs a real second a case: once is proof enough (the policy is shared).
    only: ["list"],
  },
  {
    name: "429 persistent",
    fault: { kind: "status", status: 429, body: RATE_LIMITED, persistent: true },
    expect: {
      attempts: 5,
      message: [/Vultr answered 429 "rate limit exceeded"/, /vultr:maxRequestsPerSecond/, GAVE_UP],
    },
  },
  // 500 is retried like 502/503/504: every request the provider sends is idempotent.
  { name: "500 once", fault: { kind: "status", status: 500 }, expect: { attempts: 2 } },
  {
    name: "500 persistent",
    fault: { kind: "status", status: 500, persistent: true },
    expect: {
      attempts: 5,
      message: [/Vultr answered 500 "Internal Server Error"/, SERVER_SIDE, GAVE_UP],
    },
  },
  ...(
    [
      [502, "Bad Gateway"],
      [503, "Service Unavailable"],
      [504, "Gateway Timeout"],
    ] as const
  ).flatMap(([status, text]): FaultCase[] => [
    { name: `${status} once`, fault: { kind: "status", status }, expect: { attempts: 2 } },
    {
      name: `${status} persistent`,
      fault: { kind: "status", status, persistent: true },
      expect: {
        attempts: 5,
        message: [new RegExp(`Vultr answered ${status} "${text}"`), SERVER_SIDE, GAVE_UP],
      },
    },
  ]),
  { name: "connection reset once", fault: { kind: "reset" }, expect: { attempts: 2 } },
  {
    name: "connection reset persistent",
    fault: { kind: "reset", persistent: true },
    expect: { attempts: 5, message: [/the connection to Vultr failed \(ECONNRESET/, GAVE_UP] },
  },
  {
    name: "hang once",
    fault: { kind: "hang" },
    expect: { attempts: 2, minElapsedMs: FAST_TIMEOUT_MS },
  },
  {
    name: "hang persistent",
    fault: { kind: "hang", persistent: true },
    expect: { attempts: 5, message: [TIMED_OUT, GAVE_UP] },
  },
  {
    name: "200 with a non-JSON body once",
    fault: { kind: "non-json" },
    expect: { attempts: 2 },
  },
  {
    name: "200 with a non-JSON body persistent",
    fault: { kind: "non-json", persistent: true },
    expect: { attempts: 5, message: [/Vultr's answer is not JSON \(it starts with/, GAVE_UP] },
  },
  // The body stops halfway through its Content-Length and the connection closes: noticed at
  // once, not at the timeout (maxElapsedMs is under one attempt's timeout).
  {
    name: "truncated body once",
    fault: { kind: "truncated" },
    expect: { attempts: 2, maxElapsedMs: FAST_TIMEOUT_MS },
  },
  {
    name: "truncated body persistent",
    fault: { kind: "truncated", persistent: true },
    expect: {
      attempts: 5,
      message: [/the connection to Vultr closed before the whole answer arrived/, GAVE_UP],
      // Timing out would take 5 × 200 ms.
      maxElapsedMs: 4 * FAST_TIMEOUT_MS,
    },
  },
  {
    name: "slow answers (50 ms each, under the timeout)",
    fault: { kind: "delay", delayMs: 50, persistent: true },
    expect: { attempts: 1, minElapsedMs: 50 },
  },
  {
    name: "one slow answer (300 ms, over the timeout)",
    fault: { kind: "delay", delayMs: 300 },
    expect: { attempts: 2, minElapsedMs: FAST_TIMEOUT_MS },
  },
];
