/**
 * Hostile `allowedIps` inputs and hostile allowlist answers, through the REAL provider host.
 * Each input is a CheckFailure on the resource whose reason names `allowedIps` or `allowedIps[i]`
 * (the engine renders a failure on `allowedIps[i]` as `value {<nil>}`), with nothing sent to the
 * API; each answer the provider cannot trust fails the step before any write.
 */
import type { EmulatedUser } from "../../emulator";
import { FAST_LAB, checkThenCreate, failureOf, settle, useLab, type Props } from "../support/lab";

const lab = useLab("allowlist-hostile", { users: 60, seed: 33, ...FAST_LAB });
let users: EmulatedUser[];
beforeAll(() => {
  users = lab.emulator.listUsers().filter((u) => !u.acls.includes("manage_users"));
});

let taken = 0;
function freshUser(): EmulatedUser {
  const user = users[taken++];
  if (user === undefined) throw new Error("out of users");
  return user;
}

interface InputRow {
  name: string;
  allowedIps: unknown;
  apiEnabled?: boolean;
  property: string;
  reason: string | RegExp;
}

const INPUT_ROWS: InputRow[] = [
  {
    name: "allowedIps not a list",
    allowedIps: "8.8.8.8",
    property: "",
    reason:
      'allowedIps must be a list of IP addresses or CIDR ranges (e.g. ["8.8.8.8", "2606:4700::/32"]), got string "8.8.8.8"',
  },
  {
    name: "an element that is a number",
    allowedIps: ["8.8.8.8", 134744072],
    property: "",
    reason:
      'allowedIps[1] must be a string holding an IP address or CIDR range, got number "134744072"',
  },
  {
    name: "a 10 KB string",
    allowedIps: ["8".repeat(10_240)],
    property: "",
    reason:
      /^allowedIps\[0\] "8{60}… \(10240 characters\)" is not an IP address or CIDR range \(expected e\.g\./,
  },
  {
    name: "host bits set: 8.8.8.5/24",
    allowedIps: ["8.8.8.5/24"],
    property: "",
    reason: 'allowedIps[0] "8.8.8.5/24" has host bits set: did you mean 8.8.8.0/24?',
  },
  {
    name: "a private range: 10.0.0.0/8",
    allowedIps: ["10.0.0.0/8"],
    property: "",
    reason: 'allowedIps[0] "10.0.0.0/8" is a private range: Vultr accepts public addresses only',
  },
  {
    name: "a range containing a private one: 172.0.0.0/8",
    allowedIps: ["8.8.8.8", "172.0.0.0/8"],
    property: "",
    reason:
      'allowedIps[1] "172.0.0.0/8" contains the private range 172.16.0.0/12: Vultr accepts public addresses only',
  },
  {
    name: "IPv6 loopback ::1",
    allowedIps: ["::1"],
    property: "",
    reason: 'allowedIps[0] "::1" is a loopback address: Vultr accepts public addresses only',
  },
  {
    name: "duplicates 8.8.8.8 and 8.8.8.8/32",
    allowedIps: ["8.8.8.8", "8.8.8.8/32"],
    property: "",
    reason:
      'allowedIps[1] "8.8.8.8/32" repeats allowedIps[0] ("8.8.8.8"): both are 8.8.8.8/32; list each range once',
  },
  {
    name: "51 entries",
    allowedIps: Array.from({ length: 51 }, (_, i) => `8.8.${i}.0/24`),
    property: "",
    reason:
      "allowedIps lists 51 entries; Vultr holds at most 50 per user: merge neighbouring addresses into wider ranges",
  },
  {
    name: "[] with apiEnabled true",
    allowedIps: [],
    apiEnabled: true,
    property: "",
    reason:
      "allowedIps: an empty allowlist with apiEnabled: true means the user's keys work from nowhere; set apiEnabled: false instead",
  },
  {
    name: "an IPv6 zone index",
    allowedIps: ["2606:4700::1%eth0"],
    property: "",
    reason:
      'allowedIps[0] "2606:4700::1%eth0" carries a zone index (%…), which only means something on one machine',
  },
];

describe("check refuses hostile allowedIps, naming the entry, and sends nothing", () => {
  it.each(INPUT_ROWS)("$name", async (row) => {
    const user = freshUser();
    const news = lab.inputs({
      userId: user.id,
      apiEnabled: row.apiEnabled ?? true,
      allowedIps: row.allowedIps,
    });
    lab.emulator.clearRequestLog();
    const checked = await lab.host.check(lab.urn(`ips-${user.id}`), {}, news);
    lab.transcript.observe({
      section: "hostile allowedIps (check)",
      case: row.name,
      outcome: checked.failures.length > 0 ? "CheckFailure" : "accepted",
      message: checked.failures.map((f) => f.reason).join("; "),
    });
    expect(checked.failures).toStrictEqual([
      {
        property: row.property,
        reason:
          typeof row.reason === "string"
            ? row.reason
            : (expect.stringMatching(row.reason) as string),
      },
    ]);
    for (const failure of checked.failures) expect(failure.reason.length).toBeLessThan(400);
    expect(lab.emulator.requestLog()).toStrictEqual([]);
  });

  it.each([
    { name: "0.0.0.0/0 (any IPv4 address)", allowedIps: ["0.0.0.0/0"], stored: ["0.0.0.0/0"] },
    {
      name: "0.0.0.0/0 and ::/0 with 8.8.8.8",
      allowedIps: ["8.8.8.8", "::/0", "0.0.0.0/0"],
      stored: ["0.0.0.0/0", "8.8.8.8/32", "::/0"],
    },
    { name: "[] with apiEnabled false", allowedIps: [], apiEnabled: false, stored: [] },
  ])("accepted: $name", async (row) => {
    const user = freshUser();
    const news = lab.inputs(
      { userId: user.id, apiEnabled: row.apiEnabled ?? true, allowedIps: row.allowedIps },
      await lab.freshProvider(),
    );
    lab.emulator.clearRequestLog();
    const checked = await lab.host.check(lab.urn(`ips-${user.id}`), {}, news);
    expect(checked.failures).toStrictEqual([]);
    // Stored canonical and sorted; the plan read the user and its allowlist, and wrote nothing.
    expect(checked.inputs["allowedIps"]).toStrictEqual(row.stored);
    expect(lab.emulator.requestLog().map((r) => r.route)).toStrictEqual([
      "GET /users",
      "GET /users/:id/ip-whitelist",
    ]);
  });
});

interface AnswerRow {
  name: string;
  /** What GET /users/<id>/ip-whitelist answers (status 200), or a non-JSON fault. */
  body?: unknown;
  nonJson?: true;
  error: RegExp;
  reads: number;
}

const ANSWER_ROWS: AnswerRow[] = [
  {
    name: "an entry with a malformed subnet",
    body: {
      ip_whitelist: [{ subnet: "8.8.8.999", subnet_size: 32, date_added: "", ip_type: "v4" }],
      meta: { total: 1 },
    },
    error:
      /^Reading the API allowlist of Vultr user [0-9a-f-]+: Vultr's answer has allowlist entry 0 that is not an address and prefix length \(subnet "8\.8\.8\.999", subnet_size 32\) — the provider does not act on an answer it cannot trust; try again later, and report it if it persists$/,
    reads: 1,
  },
  {
    name: "meta.total larger than the list",
    body: {
      ip_whitelist: [{ subnet: "0.0.0.0", subnet_size: 0, date_added: "", ip_type: "v4" }],
      meta: { total: 5 },
    },
    error:
      /^Reading the API allowlist of Vultr user [0-9a-f-]+: Vultr's answer lists 1 of 5 allowlist entries — the provider does not act on an answer it cannot trust; try again later, and report it if it persists$/,
    reads: 1,
  },
  {
    name: "not JSON (persistent)",
    nonJson: true,
    error:
      /^Reading the API allowlist of Vultr user [0-9a-f-]+: Vultr's answer is not JSON \(it starts with .*\[gave up after 5 attempts\]$/,
    reads: 5,
  },
];

describe("hostile allowlist answers fail the step before any write", () => {
  it.each(ANSWER_ROWS)("$name", async (row) => {
    const user = freshUser();
    lab.emulator.addFault({
      method: "GET",
      path: `/users/${user.id}/ip-whitelist`,
      persistent: true,
      ...(row.nonJson === true
        ? { kind: "non-json" }
        : { kind: "status", status: 200, body: row.body }),
    });
    const urn = lab.urn(`answer-${user.id}`);
    const news: Props = lab.inputs(
      { userId: user.id, apiEnabled: !user.api_enabled, allowedIps: ["8.8.8.0/24"], __urn: urn },
      await lab.freshProvider(),
    );
    lab.emulator.clearRequestLog();
    const result = await checkThenCreate(lab.host, urn, news);
    // Create bypassing check (a broken engine) must not write either.
    const created = await settle(lab.host.create(urn, news));
    lab.emulator.clearFaults();
    const requests = lab.emulator.requestLog();
    const message = failureOf(result);
    lab.transcript.observe({
      section: "hostile allowlist answers",
      case: row.name,
      outcome: result.ok ? "accepted" : `failed ${result.step}`,
      attempts: requests.filter((r) => r.route === "GET /users/:id/ip-whitelist").length,
      message,
    });
    expect(result.ok ? undefined : result.step).toBe("check");
    expect(message).toMatch(row.error);
    expect(failureOf(created)).toMatch(row.error);
    expect(requests.filter((r) => r.route === "GET /users/:id/ip-whitelist")).toHaveLength(
      2 * row.reads,
    );
    expect(requests.filter((r) => r.method !== "GET")).toStrictEqual([]);
    expect(lab.emulator.getUser(user.id)?.api_enabled).toBe(user.api_enabled);
  });
});
