import {
  isVultrApiError,
  isVultrInvalidResponseError,
  isVultrNetworkError,
  isVultrTimeoutError,
  VultrApiError,
} from "../../provider/client/errors";
import { Pacer } from "../../provider/client/pacer";
import { stepDeadline } from "../../provider/client/step-deadline";
import { ALICE, clientFor, failureOf, requestLines, resetAccount, startAccount } from "./harness";
import { useEmulator } from "../support/use-emulator";

const emulator = useEmulator(startAccount, { beforeEach: resetAccount });

const aliceRead = `GET /users/${ALICE}`;

describe("retryable answers", () => {
  it.each([429, 500, 502, 503, 504])("retries a %i, then returns the user", async (status) => {
    emulator.addFault({ kind: "status", status, path: `/users/${ALICE}` });

    const user = await clientFor(emulator).getUser(ALICE);

    expect(user).toMatchObject({ id: ALICE, email: "alice@example.com", apiEnabled: true });
    expect(requestLines(emulator)).toStrictEqual([aliceRead, aliceRead]);
    expect(emulator.requestLog().map((entry) => entry.status)).toStrictEqual([status, 200]);
  });

  it.each([500, 503])(
    "retries a PATCH after a %i too: setting a boolean twice is harmless",
    async (status) => {
      emulator.addFault({ kind: "status", status, method: "PATCH" });

      await clientFor(emulator).setApiEnabled(ALICE, false);

      expect(requestLines(emulator)).toStrictEqual([
        `PATCH /users/${ALICE}`,
        `PATCH /users/${ALICE}`,
      ]);
      expect(emulator.getUser(ALICE)?.api_enabled).toBe(false);
    },
  );

  it("keeps retrying through several failures in a row while attempts remain", async () => {
    emulator.addFault({ kind: "status", status: 502, times: 4 });
    const retries: string[] = [];

    await clientFor(emulator, {
      maxRetries: 4,
      onRetry: ({ retry, reason }) => retries.push(`${retry}: ${reason}`),
    }).getUser(ALICE);

    expect(requestLines(emulator)).toHaveLength(5);
    expect(retries).toStrictEqual([
      "1: status 502",
      "2: status 502",
      "3: status 502",
      "4: status 502",
    ]);
  });
});

describe("network trouble", () => {
  it("gives up on a hung request at the timeout and succeeds on the retry", async () => {
    emulator.addFault({ kind: "hang", path: `/users/${ALICE}` });
    const reasons: string[] = [];

    const user = await clientFor(emulator, {
      timeoutMs: 150,
      onRetry: ({ reason }) => reasons.push(reason),
    }).getUser(ALICE);

    expect(user.id).toBe(ALICE);
    expect(reasons).toStrictEqual(["timeout"]);
    expect(requestLines(emulator)).toStrictEqual([aliceRead, aliceRead]);
  });

  it("retries after the connection is reset", async () => {
    emulator.addFault({ kind: "reset", path: `/users/${ALICE}` });
    const reasons: string[] = [];

    const user = await clientFor(emulator, {
      onRetry: ({ reason }) => reasons.push(reason),
    }).getUser(ALICE);

    expect(user.id).toBe(ALICE);
    expect(reasons).toStrictEqual(["network error"]);
    expect(requestLines(emulator)).toStrictEqual([aliceRead, aliceRead]);
  });

  it("retries a 200 whose body is an HTML page instead of JSON", async () => {
    emulator.addFault({ kind: "non-json", path: `/users/${ALICE}` });
    const reasons: string[] = [];

    const user = await clientFor(emulator, {
      onRetry: ({ reason }) => reasons.push(reason),
    }).getUser(ALICE);

    expect(user.id).toBe(ALICE);
    expect(reasons).toStrictEqual(["invalid answer"]);
    expect(requestLines(emulator)).toStrictEqual([aliceRead, aliceRead]);
  });

  it("retries at once a body cut off before its declared length, not after the timeout", async () => {
    emulator.addFault({ kind: "truncated", path: "/users" });
    const reasons: string[] = [];

    const page = await clientFor(emulator, {
      timeoutMs: 30_000,
      onRetry: ({ reason }) => reasons.push(reason),
    }).listUsersPage();

    expect(page.users.map((user) => user.email)).toContain("alice@example.com");
    expect(reasons).toStrictEqual(["network error"]);
    expect(requestLines(emulator)).toStrictEqual(["GET /users", "GET /users"]);
  });

  it("names the failure when every attempt is cut off", async () => {
    emulator.addFault({ kind: "reset", persistent: true });

    const error = await failureOf(clientFor(emulator, { maxRetries: 2 }).getUser(ALICE));

    expect(isVultrNetworkError(error)).toBe(true);
    expect(error.message).toMatch(/Reading Vultr user .*connection to Vultr failed/);
    expect(error.message).toContain("gave up after 3 attempts");
    expect(requestLines(emulator)).toHaveLength(3);
  });
});

describe("Retry-After", () => {
  it("waits at least as long as the server asks before retrying", async () => {
    emulator.addFault({ kind: "status", status: 429, headers: { "retry-after": "1" } });

    await clientFor(emulator).getUser(ALICE);

    const [first, second] = emulator.requestLog();
    expect(requestLines(emulator)).toStrictEqual([aliceRead, aliceRead]);
    // The one timing assertion: it checks the protocol, loosely (clocks and timers are coarse).
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(900);
  });

  it("gives up at once when the asked wait would pass the deadline", async () => {
    emulator.addFault({ kind: "status", status: 503, headers: { "retry-after": "60" } });

    const error = await failureOf(
      clientFor(emulator, { deadlineMs: 2_000, retryAfterCapMs: 120_000 }).getUser(ALICE),
    );

    expect(isVultrApiError(error) && error.status).toBe(503);
    expect(error.message).toContain("within 2000 ms");
    expect(requestLines(emulator)).toStrictEqual([aliceRead]);
  });
});

describe("answers that retrying cannot fix", () => {
  it.each([
    [400, "Invalid user id."],
    [401, "Invalid API token."],
    [403, "Unauthorized to manage users."],
    [404, "Invalid user."],
  ])("does not retry a %i", async (status, text) => {
    emulator.addFault({ kind: "status", status, body: { error: text, status } });

    const error = await failureOf(clientFor(emulator).getUser(ALICE));

    expect(isVultrApiError(error)).toBe(true);
    expect(error).toMatchObject({ status, vultrMessage: text, attempts: 1 });
    expect(requestLines(emulator)).toStrictEqual([aliceRead]);
  });
});

describe("giving up", () => {
  it("stops after maxRetries + 1 attempts and says what Vultr said and what to do", async () => {
    emulator.addFault({
      kind: "status",
      status: 503,
      body: { error: "Service temporarily unavailable", status: 503 },
      persistent: true,
    });

    const error = await failureOf(clientFor(emulator, { maxRetries: 3 }).getUser(ALICE));

    expect(requestLines(emulator)).toStrictEqual([aliceRead, aliceRead, aliceRead, aliceRead]);
    expect(error).toBeInstanceOf(VultrApiError);
    expect(error).toMatchObject({ status: 503, method: "GET", path: `/users/${ALICE}` });
    expect(error.message).toContain(`Reading Vultr user ${ALICE}`);
    expect(error.message).toContain('503 "Service temporarily unavailable"');
    expect(error.message).toMatch(/try again later/);
    expect(error.message).toContain("gave up after 4 attempts");
  });

  it("gives up on a persistent 500 within the same attempt bound as 502/503/504", async () => {
    emulator.addFault({ kind: "status", status: 500, persistent: true });

    const error = await failureOf(clientFor(emulator, { maxRetries: 2 }).getUser(ALICE));

    expect(requestLines(emulator)).toStrictEqual([aliceRead, aliceRead, aliceRead]);
    expect(error).toMatchObject({ status: 500, attempts: 3 });
    expect(error.message).toMatch(/Vultr answered 500 .*try again later/);
    expect(error.message).toContain("gave up after 3 attempts");
  });

  it("bounds a persistent hang by the deadline, however many retries remain", async () => {
    emulator.addFault({ kind: "hang", persistent: true });

    const error = await failureOf(
      clientFor(emulator, { timeoutMs: 200, deadlineMs: 500, maxRetries: 100 }).getUser(ALICE),
    );

    expect(isVultrTimeoutError(error)).toBe(true);
    // The last attempt either timed out in full or was cut short by the deadline: never a
    // leftover budget quoted as if it were a timeout.
    expect(error.message).toMatch(
      /no complete answer from Vultr(?: within 200 ms \(the request timeout\)|: the request's 500 ms deadline \(all its attempts together\) ran out during this attempt \(the request timeout is 200 ms\)) — /,
    );
    expect(error.message).toContain("within 500 ms");
    // Each attempt waits up to 200 ms, and the last one only what is left of the 500.
    expect(requestLines(emulator).length).toBeGreaterThanOrEqual(2);
    expect(requestLines(emulator).length).toBeLessThanOrEqual(4);
  });

  it("does not send a retry that the pacer held past the deadline", async () => {
    emulator.addFault({ kind: "status", status: 503 });
    // One request every 500 ms: the retry's slot comes after the 300 ms deadline.
    const pacer = new Pacer({ ratePerSecond: 2, burst: 1 });

    const error = await failureOf(clientFor(emulator, { pacer, deadlineMs: 300 }).getUser(ALICE));

    expect(isVultrApiError(error) && error.status).toBe(503);
    expect(error.message).toContain("gave up after 1 attempt within 300 ms");
    expect(requestLines(emulator)).toStrictEqual([aliceRead]);
  });

  it("does not loop on a list page that is never JSON", async () => {
    emulator.addFault({ kind: "non-json", path: "/users", persistent: true });

    const error = await failureOf(clientFor(emulator, { maxRetries: 2 }).listUsersPage());

    expect(isVultrInvalidResponseError(error)).toBe(true);
    expect(error.message).toMatch(/Listing Vultr users: Vultr's answer is not JSON/);
    expect(requestLines(emulator)).toStrictEqual(["GET /users", "GET /users", "GET /users"]);
  });
});

describe("a hang's message (issue 16: it quoted the leftover budget)", () => {
  const ADVICE =
    "Vultr did not answer in time: check the network path to the API endpoint (proxy, firewall), try again later, or raise VULTR_TIMEOUT_MS";

  it("quotes the configured request timeout when the timeout ended the wait", async () => {
    emulator.addFault({ kind: "hang", persistent: true });

    const error = await failureOf(
      clientFor(emulator, { timeoutMs: 200, maxRetries: 0 }).getUser(ALICE),
    );

    expect(error.message).toBe(
      `Reading Vultr user ${ALICE}: no complete answer from Vultr within 200 ms (the request ` +
        `timeout) — ${ADVICE} [gave up after 1 attempt]`,
    );
  });

  it("says that the request's deadline cut the last attempt short, with the timeout", async () => {
    emulator.addFault({ kind: "hang", persistent: true });

    // 400 ms for the first attempt, then about 195 ms left of the 600 for the second.
    const error = await failureOf(
      clientFor(emulator, { timeoutMs: 400, deadlineMs: 600, maxRetries: 10 }).getUser(ALICE),
    );

    expect(error.message).toBe(
      `Reading Vultr user ${ALICE}: no complete answer from Vultr: the request's 600 ms deadline ` +
        "(all its attempts together) ran out during this attempt (the request timeout is 400 ms) " +
        `— ${ADVICE} [gave up after 2 attempts within 600 ms]`,
    );
    expect(requestLines(emulator)).toStrictEqual([aliceRead, aliceRead]);
  });

  it("says that the step's budget cut the last attempt short, with the timeout", async () => {
    emulator.addFault({ kind: "hang", persistent: true });
    const client = clientFor(emulator, { timeoutMs: 400, maxRetries: 10 });

    const error = await failureOf(stepDeadline.run(600, () => client.getUser(ALICE)));

    expect(error.message).toBe(
      `Reading Vultr user ${ALICE}: no complete answer from Vultr: the step's 600 ms time budget ` +
        "ran out during this attempt (the request timeout is 400 ms) " +
        `— ${ADVICE} [gave up after 2 attempts within the step's time budget]`,
    );
  });
});
