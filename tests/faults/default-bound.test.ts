/**
 * "Fail the step within 60 s at DEFAULT settings" (30 s per attempt, 5 attempts, backoff base
 * 500 ms, Retry-After capped at 20 s, 45 s per request).
 *
 * - The worst cases in virtual time: the real client (default settings, real sockets) against the
 *   emulator in its own process, with this process's clock and timers faked, so that a 45 s hang
 *   costs a few hundred real milliseconds. The loop below lets real I/O finish before it jumps
 *   the clock to the next timer, so virtual time is what the client would have waited.
 *
 * One case also runs in real time through the real host at default settings: see
 * transport-faults.test.ts, "at default settings".
 */
import { CLIENT_DEFAULTS } from "../../provider/client/types";
import { Pacer } from "../../provider/client/pacer";
import { VultrUsersClient } from "../../provider/client/users-client";
import { DEFAULT_MAX_RPS } from "../../provider/engine/settings";
import { handlers } from "../../provider";
import type { EmulatedUser, FaultSpec } from "../../emulator";
import { spawnEmulator, type EmulatorProcess } from "../support/emulator-process";
import { finishTranscript, Transcript } from "../support/transcript";

const BOUND_MS = 60_000;
const KEY = "DEFAULTBOUNDKEY0123456789ABCDEFGHIJKL";
const realSetTimeout = setTimeout;

const transcript = new Transcript("default-bound");
let emulator: EmulatorProcess;
let users: EmulatedUser[];

beforeAll(async () => {
  emulator = await spawnEmulator(["--key", KEY, "--users", "40", "--seed", "60", "--rps", "0"]);
  users = await emulator.users();
});

afterAll(async () => {
  await emulator.kill("SIGTERM");
  transcript.add("emulator output", emulator.output());
  finishTranscript(transcript, {
    key: KEY,
    ...Object.fromEntries(users.map((u) => [u.email, u.api_key])),
  });
});

interface VirtualRun<T> {
  result: { ok: true; value: T } | { ok: false; error: Error };
  virtualMs: number;
}

/**
 * Whether a request is on the wire. The clock may only jump while the client waits on a timer
 * (backoff, pacing); while a request is on the wire, real loopback I/O must land first. A request
 * still unanswered after HANGING_AFTER_MS of real time is hanging: its timeout is the next timer.
 */
interface Wire {
  inFlight: boolean;
}
const HANGING_AFTER_MS = 250;

const realSleep = (ms: number) => new Promise((resolve) => realSetTimeout(resolve, ms));

/** Runs `work` with faked timers and clock; returns how long it took in virtual time. */
async function inVirtualTime<T>(work: () => Promise<T>, wire?: Wire): Promise<VirtualRun<T>> {
  jest.useFakeTimers({
    doNotFake: ["nextTick", "setImmediate", "queueMicrotask", "performance"],
  });
  try {
    const started = Date.now();
    let result: VirtualRun<T>["result"] | undefined;
    const running = work().then(
      (value) => (result = { ok: true, value }),
      (error: unknown) => (result = { ok: false, error: error as Error }),
    );
    while (result === undefined) {
      await realSleep(5);
      // Without a view of the wire, give any I/O the full allowance before each jump.
      const realStart = performance.now();
      while (result === undefined && (wire === undefined || wire.inFlight)) {
        if (performance.now() - realStart > HANGING_AFTER_MS) break;
        await realSleep(5);
      }
      if (result === undefined) await jest.advanceTimersToNextTimerAsync();
    }
    await running;
    return { result, virtualMs: Date.now() - started };
  } finally {
    jest.useRealTimers();
  }
}

/** The default pacer, telling the wire when a request goes out. */
class WatchedPacer extends Pacer {
  constructor(private readonly wire: Wire) {
    super({ ratePerSecond: DEFAULT_MAX_RPS });
  }

  override async acquire(): Promise<void> {
    this.wire.inFlight = false;
    await super.acquire();
    this.wire.inFlight = true;
  }
}

function defaultClient(random: () => number, wire: Wire): VultrUsersClient {
  return new VultrUsersClient(
    { ...CLIENT_DEFAULTS, apiKey: KEY, endpoint: emulator.baseUrl },
    {
      pacer: new WatchedPacer(wire),
      random,
      // Called when an attempt has failed, just before its backoff timer is set.
      onRetry: () => (wire.inFlight = false),
    },
  );
}

interface BoundCase {
  name: string;
  faults: (user: EmulatedUser) => FaultSpec[];
  call: (client: VultrUsersClient, user: EmulatedUser) => Promise<unknown>;
  /** The worst jitter (random → 1) makes backoff as long as it can be. */
  random: () => number;
  message: RegExp;
  attempts: number;
  /** Virtual time the case must take, give or take a second: the computed bound. */
  expectedMs: number;
}

const WORST_JITTER = () => 0.9999;
const patch = (client: VultrUsersClient, user: EmulatedUser) =>
  client.setApiEnabled(user.id, !user.api_enabled);
const list = (client: VultrUsersClient) => client.listUsersPage({ perPage: 500 });

const CASES: BoundCase[] = [
  {
    // 30 s (first attempt's timeout) + ≤ 0.5 s backoff + 14.5 s (the rest of the 45 s deadline).
    name: "persistent hang on the list",
    faults: () => [{ method: "GET", path: "/users", kind: "hang", persistent: true }],
    call: list,
    random: WORST_JITTER,
    message:
      /^Listing Vultr users: no complete answer from Vultr: the request's 45000 ms deadline \(all its attempts together\) ran out during this attempt \(the request timeout is 30000 ms\) — Vultr did not answer in time: .*VULTR_TIMEOUT_MS \[gave up after 2 attempts within 45000 ms\]$/,
    attempts: 2,
    expectedMs: 45_000,
  },
  {
    name: "persistent hang on the PATCH",
    faults: (user) => [
      { method: "PATCH", path: `/users/${user.id}`, kind: "hang", persistent: true },
    ],
    call: patch,
    random: WORST_JITTER,
    message:
      /no complete answer from Vultr: the request's 45000 ms deadline \(all its attempts together\) ran out during this attempt \(the request timeout is 30000 ms\) — Vultr did not answer in time: .*VULTR_TIMEOUT_MS \[gave up after 2 attempts within 45000 ms\]$/,
    attempts: 2,
    expectedMs: 45_000,
  },
  {
    // Backoff ceilings 0.5 + 1 + 2 + 4 s, each drawn at its maximum.
    name: "persistent 503 on the PATCH, worst jitter",
    faults: (user) => [
      { method: "PATCH", path: `/users/${user.id}`, kind: "status", status: 503, persistent: true },
    ],
    call: patch,
    random: WORST_JITTER,
    message:
      /Vultr answered 503 "Service Unavailable".*try again later.*\[gave up after 5 attempts\]$/,
    attempts: 5,
    expectedMs: 7_500,
  },
  {
    // Retry-After is capped at 20 s: attempts at 0, 20 and 40 s; a third wait would pass 45 s.
    name: "persistent 429 with Retry-After: 3600",
    faults: () => [
      {
        method: "GET",
        path: "/users",
        kind: "status",
        status: 429,
        headers: { "retry-after": "3600" },
        persistent: true,
      },
    ],
    call: list,
    random: WORST_JITTER,
    message: /Vultr answered 429 .*\[gave up after 3 attempts within 45000 ms\]$/,
    attempts: 3,
    expectedMs: 40_000,
  },
  {
    name: "persistent connection reset",
    faults: () => [{ method: "GET", path: "/users", kind: "reset", persistent: true }],
    call: list,
    random: WORST_JITTER,
    message: /the connection to Vultr failed \(ECONNRESET.*\[gave up after 5 attempts\]$/,
    attempts: 5,
    expectedMs: 7_500,
  },
];

let usersTaken = 0;
function takeUser(): EmulatedUser {
  const user = users[usersTaken++];
  if (user === undefined) throw new Error("the emulator ran out of users");
  return user;
}

describe("the per-request bound at default settings, in virtual time", () => {
  it.each(CASES)("$name fails within 60 s", async (c) => {
    const user = takeUser();
    await emulator.clearFaults();
    for (const fault of c.faults(user)) await emulator.addFault(fault);
    await emulator.clearRequests();
    const wire: Wire = { inFlight: false };
    const client = defaultClient(c.random, wire);

    const run = await inVirtualTime(() => c.call(client, user), wire);

    await emulator.clearFaults();
    const attempts = (await emulator.requests()).length;
    const message = run.result.ok ? "" : run.result.error.message;
    transcript.observe({
      section: "bound at default settings (virtual time)",
      case: c.name,
      outcome: run.result.ok ? "succeeded" : "failed the request",
      attempts,
      elapsedMs: run.virtualMs,
      message,
    });
    expect(run.result.ok).toBe(false);
    expect(message).toMatch(c.message);
    expect(attempts).toBe(c.attempts);
    expect(run.virtualMs).toBeLessThan(BOUND_MS);
    expect(Math.abs(run.virtualMs - c.expectedMs)).toBeLessThan(1_000);
  });
});

describe("the per-step bound at default settings", () => {
  // A create reads (list) and then writes (PATCH); a list that hangs once (30 s, then answers on
  // its retry) followed by a PATCH that hangs for good must still fail the step within 60 s:
  // the step's budget bounds both requests (this was bug 3, see RELIABILITY.md).
  it("create with a slow read and a hanging PATCH fails within 60 s", async () => {
    const user = takeUser();
    await emulator.clearFaults();
    await emulator.addFault({ method: "GET", path: "/users", kind: "hang" });
    await emulator.addFault({
      method: "PATCH",
      path: `/users/${user.id}`,
      kind: "hang",
      persistent: true,
    });
    const config: Record<string, string> = {
      "vultr:apiKey": KEY,
      "vultr:apiEndpoint": emulator.baseUrl,
    };
    await handlers.configure({
      config: { get: (key) => config[key], require: (key) => config[key] ?? "" },
    });
    const run = await inVirtualTime(() =>
      handlers.create({ userId: user.id, apiEnabled: !user.api_enabled, onDelete: "restore" }),
    );
    await emulator.clearFaults();
    const message = run.result.ok ? "" : run.result.error.message;
    transcript.observe({
      section: "bound at default settings (virtual time)",
      case: "create: list hangs once, then PATCH hangs persistently",
      outcome: run.result.ok ? "succeeded" : "failed the step",
      elapsedMs: run.virtualMs,
      message,
    });
    expect(run.result.ok).toBe(false);
    expect(run.virtualMs).toBeLessThan(BOUND_MS);
  });
});
