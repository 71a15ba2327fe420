/**
 * Faults on the per-user API allowlist endpoints (`GET/POST/DELETE /users/<id>/ip-whitelist`) and
 * on the self-revocation check's `GET /users/<id>/apikeys`, through the REAL provider host.
 *
 * A resource declaring `allowedIps` reads the user's allowlist once (in Check, for the plan it
 * prints), then Create adds every missing entry before it removes any extra one, then PATCHes
 * api_enabled. So: a failed read fails Check; a failed add means nothing is removed and nothing
 * PATCHed; a failed removal leaves a list wider than both the old and the new one; and the next
 * `up` converges. Every failure names the user, the status, Vultr's text and what to do.
 */
import type { EmulatedUser, RequestLogEntry } from "../../emulator";
import {
  ALLOWLIST_CASES,
  ALLOWLIST_METHOD,
  ALLOWLIST_ROUTE,
  FORBIDDEN,
  allowlistLabel,
  type AllowlistCase,
  type AllowlistTarget,
} from "../support/allowlist-cases";
import {
  FAST_LAB,
  checkThenCreate,
  failureOf,
  settle,
  useLab,
  valueOf,
  type Adoption,
  type Props,
} from "../support/lab";

/** Every user starts with Vultr's default: any IPv4 and any IPv6 address. */
const ANYWHERE = ["0.0.0.0/0", "::/0"];
const ANYWHERE_ENTRIES = [
  { subnet: "0.0.0.0", subnet_size: 0 },
  { subnet: "::", subnet_size: 0 },
];
const DECLARED = ["8.8.8.0/24", "2606:4700::/32"];
/** The first write of each kind, in the order the provider sends them (IPv4 first). */
const FIRST_ENTRY: Record<AllowlistTarget, string> = {
  read: "",
  add: "8.8.8.0/24",
  remove: "0.0.0.0/0",
};
/** What a clean adoption sends to each route. */
const CLEAN: Record<string, number> = {
  "GET /users/:id/ip-whitelist": 1,
  "POST /users/:id/ip-whitelist": 2,
  "DELETE /users/:id/ip-whitelist": 2,
  "PATCH /users/:id": 1,
};
const ADVICE = /try again|check |lower |add |remove |grant |use |raise /i;

const lab = useLab("allowlist-faults", { users: 120, seed: 31, ...FAST_LAB });
let plainUsers: EmulatedUser[];
let admins: EmulatedUser[];

beforeAll(() => {
  const users = lab.emulator.listUsers();
  plainUsers = users.filter((u) => !u.acls.includes("manage_users"));
  admins = users.filter((u) => u.acls.includes("manage_users"));
});

let plainTaken = 0;
/** A user without manage_users, API access off, Vultr's default allowlist. */
function plainUser(): EmulatedUser {
  const user = plainUsers[plainTaken++];
  if (user === undefined) throw new Error("the lab ran out of users");
  lab.emulator.setUser(user.id, { api_enabled: false });
  lab.emulator.setAllowlist(user.id, ANYWHERE_ENTRIES);
  return user;
}

let adminsTaken = 0;
/** A user holding manage_users, API access on: disabling it asks whose key this process runs. */
function adminUser(): EmulatedUser {
  const user = admins[adminsTaken++];
  if (user === undefined) throw new Error("the lab ran out of admins");
  lab.emulator.setUser(user.id, { api_enabled: true });
  return user;
}

function liveAllowlist(user: EmulatedUser): string[] {
  return lab.emulator
    .getAllowlist(user.id)
    .map((e) => `${e.subnet}/${e.subnet_size}`)
    .sort();
}

function count(requests: readonly RequestLogEntry[], route: string): number {
  return requests.filter((r) => r.route === route).length;
}

/** Check + Create of `user` with `allowedIps`, as a new resource in its own engine pass. */
async function adopt(user: EmulatedUser, props: Props, providerText?: string): Promise<Adoption> {
  const text = providerText ?? (await lab.freshProvider());
  const urn = lab.urn(`acl-${user.id}`);
  const news = lab.inputs({ userId: user.id, ...props, __urn: urn }, text);
  return checkThenCreate(lab.host, urn, news);
}

function declare(user: EmulatedUser, providerText?: string): Promise<Adoption> {
  return adopt(user, { apiEnabled: true, allowedIps: DECLARED }, providerText);
}

interface Row extends AllowlistCase {
  target: AllowlistTarget;
}

const ROWS: Row[] = ALLOWLIST_CASES.flatMap((c) =>
  (c.only ?? (["read", "add", "remove"] as const)).map((target) => ({ ...c, target })),
);

const failureMessages: string[] = [];

async function runRow(row: Row): Promise<void> {
  const user = plainUser();
  const route = ALLOWLIST_ROUTE[row.target];
  lab.emulator.clearRequestLog();
  lab.emulator.addFault({
    method: ALLOWLIST_METHOD[row.target],
    path: `/users/${user.id}/ip-whitelist`,
    ...row.fault,
  });
  const result = await declare(user);
  lab.emulator.clearFaults();
  const requests = lab.emulator.requestLog();
  lab.transcript.observe({
    section: `faults on ${route}`,
    case: row.name,
    outcome: result.ok ? "succeeded" : `failed ${result.step}`,
    attempts: count(requests, route),
    ...(result.ok ? {} : { message: result.message }),
  });

  if (row.failure === undefined) {
    valueOf(result);
    expect(count(requests, route)).toBe((CLEAN[route] ?? 0) + (row.retries ?? 0));
    expect(liveAllowlist(user)).toStrictEqual([...DECLARED].sort());
    expect(lab.emulator.getUser(user.id)?.api_enabled).toBe(true);
    return;
  }

  const message = failureOf(result);
  failureMessages.push(message);
  // The read happens in Check (the plan it prints); the writes in Create.
  expect(result.ok ? undefined : result.step).toBe(row.target === "read" ? "check" : "create");
  expect(message).toMatch(allowlistLabel(row.target, user.id, FIRST_ENTRY[row.target]));
  for (const pattern of row.failure.message) expect(message).toMatch(pattern);
  expect(message).not.toContain(lab.emulator.ownerKey);
  expect(count(requests, route)).toBe(row.failure.attempts);
  // Nothing after the failed request: no removal after a failed add, no PATCH after any.
  expect(count(requests, "PATCH /users/:id")).toBe(0);
  expect(lab.emulator.getUser(user.id)?.api_enabled).toBe(false);
  if (row.target === "remove") {
    expect(count(requests, ALLOWLIST_ROUTE.add)).toBe(2);
    // Wider than both the old and the new list: no key lost access it had.
    expect(liveAllowlist(user)).toStrictEqual([...ANYWHERE, ...DECLARED].sort());
  } else {
    expect(count(requests, ALLOWLIST_ROUTE.remove)).toBe(0);
    expect(liveAllowlist(user)).toStrictEqual([...ANYWHERE].sort());
  }

  // The next `up` (a new engine pass), faults gone, converges with exactly what is missing.
  lab.emulator.clearRequestLog();
  const next = valueOf(await declare(user));
  const again = lab.emulator.requestLog();
  lab.transcript.observe({
    section: `faults on ${route}`,
    case: `${row.name}: the next up`,
    outcome: "succeeded",
    message: `initialAllowedIps ${JSON.stringify(next.outs["initialAllowedIps"])}`,
  });
  expect(next.outs).toMatchObject({ apiEnabled: true, allowedIps: DECLARED });
  expect(liveAllowlist(user)).toStrictEqual([...DECLARED].sort());
  expect(lab.emulator.getUser(user.id)?.api_enabled).toBe(true);
  expect(count(again, ALLOWLIST_ROUTE.add)).toBe(row.target === "remove" ? 0 : 2);
  expect(count(again, ALLOWLIST_ROUTE.remove)).toBe(2);
  expect(count(again, "PATCH /users/:id")).toBe(1);
  if (row.target !== "remove") expect(next.outs["initialAllowedIps"]).toStrictEqual(ANYWHERE);
}

describe("faults on the allowlist endpoints, through the provider host", () => {
  it.each(ROWS)(
    "$target: $name",
    async (row) => {
      await runRow(row);
    },
    15_000,
  );

  it("every failure names the user, the status and what to do", () => {
    expect(failureMessages.length).toBeGreaterThan(15);
    expect(failureMessages.filter((m) => !ADVICE.test(m))).toStrictEqual([]);
    expect(failureMessages.filter((m) => !/Vultr user [0-9a-f-]{36}/.test(m))).toStrictEqual([]);
  });
});

describe("an entry already gone when the provider removes it", () => {
  it("404 'IP whitelist entry not found.' on the DELETE counts as removed", async () => {
    const user = plainUser();
    const providerText = await lab.freshProvider();
    const urn = lab.urn(`acl-${user.id}`);
    const news = lab.inputs(
      { userId: user.id, apiEnabled: true, allowedIps: DECLARED, __urn: urn },
      providerText,
    );
    const checked = await lab.host.check(urn, {}, news);
    expect(checked.failures).toStrictEqual([]);
    // Someone removes ::/0 between the plan (Check's read) and the write.
    lab.emulator.setAllowlist(user.id, [ANYWHERE_ENTRIES[0] ?? { subnet: "", subnet_size: 0 }]);
    lab.emulator.clearRequestLog();
    const created = await settle(lab.host.create(urn, checked.inputs));
    const removals = lab.emulator
      .requestLog()
      .filter((r) => r.route === ALLOWLIST_ROUTE.remove)
      .map((r) => `${JSON.stringify(r.body)} ${r.status}`);
    lab.transcript.observe({
      section: "faults on DELETE /users/:id/ip-whitelist",
      case: "404 entry absent on remove",
      outcome: created.ok ? "succeeded" : "failed create",
      message: removals.join(", "),
    });
    expect(valueOf(created).outs).toMatchObject({ allowedIps: DECLARED, apiEnabled: true });
    expect(removals).toStrictEqual([
      '{"subnet":"0.0.0.0","subnet_size":0} 204',
      '{"subnet":"::","subnet_size":0} 404',
    ]);
    expect(liveAllowlist(user)).toStrictEqual([...DECLARED].sort());
  });
});

describe("a failure between the allowlist writes and the api_enabled PATCH", () => {
  const PATCH_503 = { kind: "status", status: 503, persistent: true } as const;

  it("create: the allowlist is written, the PATCH fails; the next up only PATCHes", async () => {
    const user = plainUser();
    lab.emulator.clearRequestLog();
    lab.emulator.addFault({ method: "PATCH", path: `/users/${user.id}`, ...PATCH_503 });
    const failed = await declare(user);
    lab.emulator.clearFaults();
    const message = failureOf(failed);
    const first = lab.emulator.requestLog();
    lab.transcript.observe({
      section: "between the allowlist writes and the PATCH",
      case: "create, PATCH 503 persistent",
      outcome: failed.ok ? "succeeded" : `failed ${failed.step}`,
      message,
    });
    expect(message).toMatch(
      new RegExp(
        `^Setting api_enabled=true on Vultr user ${user.id}: Vultr answered 503 "Service Unavailable" \\(PATCH /users/${user.id}\\) — Vultr's API is failing on its side: try again later`,
      ),
    );
    expect(count(first, ALLOWLIST_ROUTE.add)).toBe(2);
    expect(count(first, ALLOWLIST_ROUTE.remove)).toBe(2);
    expect(count(first, "PATCH /users/:id")).toBe(5);
    expect(liveAllowlist(user)).toStrictEqual([...DECLARED].sort());
    expect(lab.emulator.getUser(user.id)?.api_enabled).toBe(false);
    // What was written is said on the resource, through the stdout fallback (no engine here).
    expect(lab.host.output()).toContain(
      `info (acl-${user.id}): added 8.8.8.0/24 to the API allowlist of Vultr user ${user.email} (${user.id})`,
    );

    // The next up: a new host process, as a new `pulumi up` is.
    const host = await lab.startHost();
    const urn = lab.urn(`acl-${user.id}`);
    const news = lab.inputs({
      userId: user.id,
      apiEnabled: true,
      allowedIps: DECLARED,
      __urn: urn,
    });
    lab.emulator.clearRequestLog();
    const next = valueOf(await checkThenCreate(host, urn, news));
    const second = lab.emulator.requestLog().map((r) => `${r.route} ${r.status}`);
    lab.transcript.observe({
      section: "between the allowlist writes and the PATCH",
      case: "create, the next up",
      outcome: "succeeded",
      message: `requests ${second.join(", ")}; initialAllowedIps ${JSON.stringify(next.outs["initialAllowedIps"])}`,
    });
    expect(second).toStrictEqual([
      "GET /users 200",
      "GET /users/:id/ip-whitelist 200",
      "PATCH /users/:id 204",
    ]);
    expect(next.outs).toMatchObject({ apiEnabled: true, allowedIps: DECLARED });
    expect(lab.emulator.getUser(user.id)?.api_enabled).toBe(true);
    // A preview after it: nothing left to do.
    const diff = await host.diff(user.id, urn, next.outs, news);
    expect(diff.changes).toBe("DIFF_NONE");
  });

  it("update: the engine keeps the old outputs; the next up PATCHes and delete restores all", async () => {
    const user = plainUser();
    const urn = lab.urn(`acl-${user.id}`);
    // One engine pass adopts; the next (the same provider text) updates.
    const text = await lab.freshProvider();
    const adopted = valueOf(
      await adopt(user, { apiEnabled: true, allowedIps: ["8.8.8.0/24"] }, text),
    );
    expect(adopted.outs["initialAllowedIps"]).toStrictEqual(ANYWHERE);
    const news = lab.inputs(
      { userId: user.id, apiEnabled: false, allowedIps: ["8.8.4.0/24"], __urn: urn },
      text,
    );
    lab.emulator.addFault({ method: "PATCH", path: `/users/${user.id}`, ...PATCH_503 });
    const failed = await settle(lab.host.update(user.id, urn, adopted.outs, news));
    lab.emulator.clearFaults();
    const message = failureOf(failed);
    lab.transcript.observe({
      section: "between the allowlist writes and the PATCH",
      case: "update, PATCH 503 persistent",
      outcome: "failed update",
      message,
    });
    expect(message).toMatch(
      new RegExp(`^Setting api_enabled=false on Vultr user ${user.id}: Vultr answered 503`),
    );
    expect(liveAllowlist(user)).toStrictEqual(["8.8.4.0/24"]);
    expect(lab.emulator.getUser(user.id)?.api_enabled).toBe(true);

    // The next up, in a new host, from the old outputs the engine kept.
    const host = await lab.startHost();
    const checked = await host.check(urn, adopted.outs, news);
    expect(checked.failures).toStrictEqual([]);
    const diff = await host.diff(user.id, urn, adopted.outs, checked.inputs);
    expect(diff.changes).toBe("DIFF_SOME");
    lab.emulator.clearRequestLog();
    const updated = await host.update(user.id, urn, adopted.outs, checked.inputs);
    const writes = lab.emulator
      .requestLog()
      .filter((r) => r.method !== "GET")
      .map((r) => r.route);
    expect(writes).toStrictEqual(["PATCH /users/:id"]);
    expect(updated.outs).toMatchObject({
      apiEnabled: false,
      allowedIps: ["8.8.4.0/24"],
      initialAllowedIps: ANYWHERE,
      initialApiEnabled: false,
    });
    // Destroy (onDelete "restore") gives back what the user had before this stack.
    await host.delete(user.id, urn, updated.outs);
    expect(liveAllowlist(user)).toStrictEqual([...ANYWHERE].sort());
    expect(lab.emulator.getUser(user.id)?.api_enabled).toBe(false);
  });
});

/** Where the adoption failed: Check's RPC, Check's CheckFailures, or Create. */
function failedAt(result: Adoption): string {
  return result.ok ? "nowhere" : `${result.step} (${result.kind})`;
}

describe("the self-revocation check's request under faults", () => {
  // Disabling a manage_users holder first lists its keys (is the running key among them?), in
  // check: preview refuses what up would.
  const APIKEYS = "GET /users/:id/apikeys";
  const rows = [
    {
      name: "503 persistent",
      fault: { kind: "status", status: 503, persistent: true },
      attempts: 5,
      message:
        /Vultr answered 503 "Service Unavailable" \(GET \/users\/[0-9a-f-]+\/apikeys\) — Vultr's API is failing on its side: try again later.*\[gave up after 5 attempts\]/,
    },
    {
      name: "403",
      fault: { kind: "status", status: 403, body: FORBIDDEN, persistent: true },
      attempts: 1,
      message:
        /Vultr answered 403 "Unauthorized to manage users\." .*lacks the `manage_users` permission/,
    },
    {
      name: "200 with a non-JSON body persistent",
      fault: { kind: "non-json", persistent: true },
      attempts: 5,
      message: /Vultr's answer is not JSON/,
    },
    {
      name: "hang persistent",
      fault: { kind: "hang", persistent: true },
      attempts: 5,
      message: /no complete answer from Vultr within 200 ms/,
    },
  ] as const;

  it.each(rows)("$name: check fails before any PATCH", async (row) => {
    const user = adminUser();
    lab.emulator.clearRequestLog();
    lab.emulator.addFault({ method: "GET", path: `/users/${user.id}/apikeys`, ...row.fault });
    const result = await adopt(user, { apiEnabled: false });
    lab.emulator.clearFaults();
    const requests = lab.emulator.requestLog();
    const message = failureOf(result);
    lab.transcript.observe({
      section: "self-revocation check (GET /users/:id/apikeys)",
      case: row.name,
      outcome: result.ok ? "succeeded" : `failed ${result.step}`,
      attempts: count(requests, APIKEYS),
      message,
    });
    expect(failedAt(result)).toBe("check (error)");
    expect(message).toMatch(new RegExp(`^Listing the API keys of Vultr user ${user.id}: `));
    expect(message).toMatch(row.message);
    expect(count(requests, APIKEYS)).toBe(row.attempts);
    expect(count(requests, "PATCH /users/:id")).toBe(0);
    expect(lab.emulator.getUser(user.id)?.api_enabled).toBe(true);
    // Asked again on the next try (a failed look-up is not an answer), then disabled.
    lab.emulator.clearRequestLog();
    valueOf(await adopt(user, { apiEnabled: false }));
    expect(lab.emulator.requestLog().map((r) => r.route)).toStrictEqual([
      "GET /users",
      APIKEYS,
      "PATCH /users/:id",
    ]);
    expect(lab.emulator.getUser(user.id)?.api_enabled).toBe(false);
  });

  it("a 503 once is ridden out: 2 attempts, then the PATCH", async () => {
    const user = adminUser();
    lab.emulator.clearRequestLog();
    lab.emulator.addFault({
      method: "GET",
      path: `/users/${user.id}/apikeys`,
      kind: "status",
      status: 503,
    });
    valueOf(await adopt(user, { apiEnabled: false }));
    const routes = lab.emulator.requestLog().map((r) => `${r.route} ${r.status}`);
    expect(routes).toStrictEqual([
      "GET /users 200",
      `${APIKEYS} 503`,
      `${APIKEYS} 200`,
      "PATCH /users/:id 204",
    ]);
    expect(lab.emulator.getUser(user.id)?.api_enabled).toBe(false);
  });

  it("the running key's own user is never disabled", async () => {
    const user = adminUser();
    const host = await lab.startHost({
      config: { "vultr:apiEndpoint": lab.emulator.baseUrl, "vultr:apiKey": user.api_key },
    });
    const urn = lab.urn(`self-${user.id}`);
    lab.emulator.clearRequestLog();
    const result = await checkThenCreate(
      host,
      urn,
      lab.inputs({ userId: user.id, apiEnabled: false, __urn: urn }),
    );
    const message = failureOf(result);
    lab.transcript.observe({
      section: "self-revocation check (GET /users/:id/apikeys)",
      case: "the running key belongs to the user",
      outcome: result.ok ? "succeeded" : `failed ${result.step}`,
      message,
    });
    expect(failedAt(result)).toBe("check (CheckFailure)");
    expect(message).toBe(
      `apiEnabled: refusing to disable API access of ${user.email} (${user.id}): the API key this deployment runs with belongs to that user — run this change with the account owner's key`,
    );
    expect(count(lab.emulator.requestLog(), APIKEYS)).toBe(1);
    expect(count(lab.emulator.requestLog(), "PATCH /users/:id")).toBe(0);
    expect(lab.emulator.getUser(user.id)?.api_enabled).toBe(true);
  });
});

describe("what the host prints", () => {
  it("failed steps carry no stack trace and are not echoed; messages name their resource", () => {
    const output = lab.host.output();
    // The step's error is the failure; the host's `${error}: ${error.stack}` echo is dropped.
    expect(output).not.toContain("Reading the API allowlist of Vultr user");
    expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(output).toMatch(/^info \(acl-[0-9a-f-]+\): will adopt Vultr user /m);
  });
});
