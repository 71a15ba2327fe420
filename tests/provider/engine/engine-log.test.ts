import { createRequire } from "node:module";
import type * as grpcJs from "@grpc/grpc-js";
import {
  createEngineLog,
  engineAddressFromArgv,
  fallbackLine,
  flushEngineLog,
  logToEngine,
  type EngineLog,
  type EngineLogOptions,
} from "../../../provider/engine/engine-log";
import {
  startFakeEngine,
  type FakeEngine,
  type FakeEngineOptions,
} from "../../support/fake-engine";
import { urnOf } from "../../support/lab";

const { status } = createRequire(require.resolve("@pulumi/pulumi/package.json"))(
  "@grpc/grpc-js",
) as typeof grpcJs;

const ALICE = urnOf("alice");
const BOB = urnOf("bob");
// Short, so that the suites that wait it out stay fast; the default is 2.5 s.
const DEADLINE_MS = 400;
// Nothing listens on port 1 of loopback: the host harness's default engine address.
const NOWHERE = "127.0.0.1:1";

let engine: FakeEngine | undefined;
let log: EngineLog | undefined;
let stdout: string[];

async function engineLog(
  engineOptions: FakeEngineOptions,
  options: Partial<EngineLogOptions> = {},
): Promise<EngineLog> {
  engine = await startFakeEngine(engineOptions);
  return openLog({ address: engine.address, ...options });
}

function openLog(options: EngineLogOptions): EngineLog {
  log = createEngineLog({
    deadlineMs: DEADLINE_MS,
    fallback: (line) => stdout.push(line),
    ...options,
  });
  return log;
}

/** The most calls the engine held unanswered at once. */
function peakInFlight(events: readonly string[]): number {
  let open = 0;
  let peak = 0;
  for (const event of events) {
    open += event.startsWith("received ") ? 1 : -1;
    peak = Math.max(peak, open);
  }
  return peak;
}

beforeEach(() => {
  stdout = [];
});

afterEach(async () => {
  log?.close();
  await engine?.close();
  log = undefined;
  engine = undefined;
});

describe("the engine log, against an engine that takes messages", () => {
  it("delivers each message with its severity, text and resource, not as ephemeral", async () => {
    const log = await engineLog({});
    await log.log("warning", "alice (user 1): API access disabled", ALICE);
    await log.log("info", "read 3 users");

    expect(engine?.received).toStrictEqual([
      {
        severity: "WARNING",
        message: "alice (user 1): API access disabled",
        urn: ALICE,
        ephemeral: false,
      },
      { severity: "INFO", message: "read 3 users", urn: "", ephemeral: false },
    ]);
    expect(stdout).toStrictEqual([]);
  });

  it("sends a resource's next message only once the engine answered the one before", async () => {
    // The first answer is slow: a client that did not wait would send 2 and 3 meanwhile.
    const log = await engineLog({
      answer: (_log, i) => ({ kind: "ok", afterMs: i === 0 ? 80 : 0 }),
    });
    const sent = ["1", "2", "3"].map((text) => log.log("info", text, ALICE));
    await Promise.all(sent);

    expect(engine?.events).toStrictEqual([
      "received 1",
      "answered 1",
      "received 2",
      "answered 2",
      "received 3",
      "answered 3",
    ]);
  });

  it("does not hold one resource's messages behind another's", async () => {
    const log = await engineLog({
      answer: ({ urn }) => ({ kind: "ok", afterMs: urn === ALICE ? 150 : 0 }),
    });
    await Promise.all([log.log("info", "alice", ALICE), log.log("info", "bob", BOB)]);

    expect(engine?.events).toStrictEqual([
      "received alice",
      "received bob",
      "answered bob",
      "answered alice",
    ]);
  });

  it("flushes: every message sent so far is answered when flush resolves", async () => {
    const log = await engineLog({ answer: () => ({ kind: "ok", afterMs: 30 }) });
    void log.log("info", "a1", ALICE);
    void log.log("info", "a2", ALICE);
    void log.log("info", "b1", BOB);
    await log.flush();

    expect(engine?.events.filter((event) => event.startsWith("answered")).sort()).toStrictEqual([
      "answered a1",
      "answered a2",
      "answered b1",
    ]);
  });

  it("flushes one resource without waiting for the others", async () => {
    const log = await engineLog({
      answer: ({ urn }) => (urn === ALICE ? { kind: "never" } : { kind: "ok" }),
    });
    const alice = log.log("warning", "stuck", ALICE);
    void log.log("info", "bob's message", BOB);
    await log.flush(BOB);

    expect(engine?.events).toContain("answered bob's message");
    // Alice's message is still waiting for its deadline: not yet on stdout.
    expect(stdout).toStrictEqual([]);
    await alice;
    expect(stdout).toStrictEqual(["warning (alice): stuck"]);
  });

  it("keeps at most 32 calls in flight, so a burst of a fleet does not run out of time", async () => {
    const log = await engineLog({ answer: () => ({ kind: "ok", afterMs: 50 }) });
    const fleet = Array.from({ length: 100 }, (_, i) => `user${i}`);
    await Promise.all(fleet.map((name) => log.log("info", name, urnOf(name))));

    expect(engine?.received.map(({ message }) => message).sort()).toStrictEqual(fleet.sort());
    expect(peakInFlight(engine?.events ?? [])).toBeLessThanOrEqual(32);
    expect(stdout).toStrictEqual([]);
  });

  it("keeps sending when one call ran out of time while the engine answered others", async () => {
    // Alice's first call is never answered; Bob's calls are, during its deadline.
    const log = await engineLog({
      answer: ({ message }) => (message === "stuck" ? { kind: "never" } : { kind: "ok" }),
    });
    const alice = log.log("warning", "stuck", ALICE);
    for (let i = 0; i < 3; i++) await log.log("info", `bob ${i}`, BOB);
    await alice;
    await log.log("warning", "after", ALICE);

    expect(stdout).toStrictEqual(["warning (alice): stuck"]);
    expect(engine?.received.filter(({ urn }) => urn === ALICE)).toHaveLength(2);
  });

  it("applies the scrub hook before the message goes anywhere", async () => {
    const scrub = (text: string): string => text.replaceAll("KEY123", "[redacted]");
    const log = await engineLog(
      { answer: (_log, i) => (i === 0 ? { kind: "ok" } : { kind: "never" }) },
      { scrub },
    );
    await log.log("warning", "sent KEY123 to the engine", ALICE);
    await log.log("warning", "KEY123 on stdout", ALICE);

    expect(engine?.received.map(({ message }) => message)).toStrictEqual([
      "sent [redacted] to the engine",
      "[redacted] on stdout",
    ]);
    expect(stdout).toStrictEqual(["warning (alice): [redacted] on stdout"]);
  });
});

describe("the engine log, when the engine cannot take a message", () => {
  it("falls back to stdout when nothing listens at the address", async () => {
    const log = openLog({ address: NOWHERE });
    await log.log("warning", "alice (user 1): API access disabled", ALICE);
    await log.log("info", "read 3 users");

    expect(stdout).toStrictEqual([
      "warning (alice): alice (user 1): API access disabled",
      "info: read 3 users",
    ]);
  });

  it("falls back by the deadline when the engine never answers, then stops dialling it", async () => {
    const log = await engineLog({ answer: () => ({ kind: "never" }) });
    const started = Date.now();
    await log.log("warning", "first", ALICE);
    const firstMs = Date.now() - started;
    await log.log("warning", "second", ALICE);
    await log.log("info", "third", BOB);

    expect(stdout).toStrictEqual([
      "warning (alice): first",
      "warning (alice): second",
      "info (bob): third",
    ]);
    // Only the first message paid the deadline: the others were never sent.
    expect(engine?.received.map(({ message }) => message)).toStrictEqual(["first"]);
    expect(firstMs).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
    expect(firstMs).toBeLessThan(DEADLINE_MS * 5);
  });

  it("falls back one message the engine refuses and keeps sending the next ones", async () => {
    const log = await engineLog({
      answer: (_log, i) =>
        i === 0 ? { kind: "error", code: status.INTERNAL, details: "bad URN" } : { kind: "ok" },
    });
    await expect(log.log("warning", "refused", ALICE)).resolves.toBeUndefined();
    await log.log("warning", "taken", ALICE);

    expect(stdout).toStrictEqual(["warning (alice): refused"]);
    expect(engine?.received.map(({ message }) => message)).toStrictEqual(["refused", "taken"]);
  });

  it("stops dialling an engine without the Log RPC (UNIMPLEMENTED)", async () => {
    const log = await engineLog({
      answer: () => ({ kind: "error", code: status.UNIMPLEMENTED, details: "unknown method" }),
    });
    await log.log("info", "one", ALICE);
    await log.log("info", "two", ALICE);

    expect(stdout).toStrictEqual(["info (alice): one", "info (alice): two"]);
    expect(engine?.received).toHaveLength(1);
  });

  it.each([
    undefined,
    "",
    "tests/provider/engine/engine-log.test.ts",
    "127.0.0.1",
    "localhost:0",
    "host:99999",
  ])("falls back at once for the address %p", async (address) => {
    const log = openLog({ address });
    await log.log("warning", "kept", ALICE);
    expect(stdout).toStrictEqual(["warning (alice): kept"]);
  });

  it("resolves even when stdout itself throws", async () => {
    const log = openLog({
      address: NOWHERE,
      fallback: () => {
        throw new Error("EPIPE");
      },
    });
    await expect(log.log("warning", "lost cause", ALICE)).resolves.toBeUndefined();
  });

  it("never prints a message its scrub hook failed on", async () => {
    const log = openLog({
      address: NOWHERE,
      scrub: () => {
        throw new Error("scrubber broke");
      },
    });
    await log.log("warning", "KEY123", ALICE);
    expect(stdout.join("\n")).not.toContain("KEY123");
    expect(stdout).toHaveLength(1);
  });

  it("logs through console.log by default, from a process not started by the engine", async () => {
    // Jest's last argument is not an engine address, so the process-wide log falls back.
    const printed = jest.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      await logToEngine("warning", "alice (user 1): API access disabled", ALICE);
      await flushEngineLog();
      expect(printed.mock.calls).toStrictEqual([
        ["warning (alice): alice (user 1): API access disabled"],
      ]);
    } finally {
      printed.mockRestore();
    }
  });
});

describe("the engine address", () => {
  it.each([
    [["node", "host.js", "127.0.0.1:41234"], "127.0.0.1:41234"],
    [
      ["node", "host.js", "--logflow", "-v=9", "--tracing", "x", "localhost:5000"],
      "localhost:5000",
    ],
    [["node", "host.js", "[::1]:5000"], "[::1]:5000"],
    [["node", "host.js", "127.0.0.1:41234", "--logflow"], undefined],
    [["node", "host.js"], undefined],
    [[], undefined],
  ])("of %p is %p", (argv, address) => {
    expect(engineAddressFromArgv(argv)).toBe(address);
  });

  it("names the resource in a fallback line, also when its name holds '::'", () => {
    expect(fallbackLine("info", "x", urnOf("a::b"))).toBe("info (a::b): x");
    expect(fallbackLine("warning", "x", "not-a-urn")).toBe("warning: x");
  });
});
