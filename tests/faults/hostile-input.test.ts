/**
 * Hostile input, through the real provider host: inputs a program (or a tampered state) may carry,
 * and two resources claiming one user. Each gets a CheckFailure or a clear error; nothing reaches
 * the API for an invalid id; the host keeps answering. The unknown-value sentinel of a preview is
 * the one input that passes untouched. Hostile answers from the API: hostile-answers.test.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import type { EmulatedUser } from "../../emulator";
import { UserApiAccess } from "../../sdk";
import { UNKNOWN } from "../support/provider-host";
import { FAST_LAB, failureOf, settle, useLab, valueOf, type Props } from "../support/lab";

const lab = useLab("hostile-input", { users: 40, seed: 8, ...FAST_LAB });
let users: EmulatedUser[];
beforeAll(() => {
  users = lab.emulator.listUsers();
});

let taken = 0;
function freshUser(): EmulatedUser {
  const user = users[++taken];
  if (user === undefined) throw new Error("out of users");
  return user;
}

const VALID_ID = "cb676a46-66fd-4dfb-b839-443f2e6c0b60";

interface InputRow {
  name: string;
  news: () => Props;
  property: string;
  reason: RegExp;
}

const INPUT_ROWS: InputRow[] = [
  {
    name: "userId with path traversal ../account",
    news: () => ({ userId: "../account", apiEnabled: true }),
    property: "userId",
    reason: /userId "..\/account" is not a Vultr user id/,
  },
  {
    name: "userId percent-encoded traversal %2e%2e%2f",
    news: () => ({ userId: "%2e%2e%2f", apiEnabled: true }),
    property: "userId",
    reason: /"%2e%2e%2f" is not a Vultr user id/,
  },
  {
    name: "userId with a slash a/b",
    news: () => ({ userId: "a/b", apiEnabled: true }),
    property: "userId",
    reason: /"a\/b" is not a Vultr user id/,
  },
  {
    name: "userId with a query and a fragment",
    news: () => ({ userId: `${VALID_ID}?x=1#y`, apiEnabled: true }),
    property: "userId",
    reason: /is not a Vultr user id/,
  },
  {
    name: "userId in unicode look-alike digits",
    news: () => ({ userId: "cb676a46-66fd-4dfb-b839-443f2e6c0b6０", apiEnabled: true }),
    property: "userId",
    reason: /is not a Vultr user id/,
  },
  {
    name: "userId with a trailing newline",
    news: () => ({ userId: `${VALID_ID}\n`, apiEnabled: true }),
    property: "userId",
    reason: /is not a Vultr user id/,
  },
  {
    name: "userId of 10 KB",
    news: () => ({ userId: "a".repeat(10_240), apiEnabled: true }),
    property: "userId",
    reason: /… \(10240 characters\)" is not a Vultr user id/,
  },
  {
    name: "userId as a number",
    news: () => ({ userId: 42, apiEnabled: true }),
    property: "userId",
    reason: /userId must be a string, got number/,
  },
  {
    name: "email of 300 characters",
    news: () => ({ email: `${"a".repeat(288)}@example.com`, apiEnabled: true }),
    property: "email",
    reason: /email is 300 characters long; an email address has at most 254/,
  },
  {
    name: "malformed email",
    news: () => ({ email: "not-an-email", apiEnabled: true }),
    property: "email",
    reason: /email "not-an-email" is not an email address/,
  },
  {
    name: "email with a header injection",
    news: () => ({ email: "a@example.com\r\nBcc: b@example.com", apiEnabled: true }),
    property: "email",
    reason: /is not an email address/,
  },
  {
    name: 'apiEnabled as the string "true"',
    news: () => ({ userId: VALID_ID, apiEnabled: "true" }),
    property: "apiEnabled",
    reason: /apiEnabled must be a boolean \(true or false\), got string "true"/,
  },
  {
    name: "apiEnabled as the number 1",
    news: () => ({ userId: VALID_ID, apiEnabled: 1 }),
    property: "apiEnabled",
    reason: /apiEnabled must be a boolean \(true or false\), got number "1"/,
  },
  {
    name: "apiEnabled null",
    news: () => ({ userId: VALID_ID, apiEnabled: null }),
    property: "apiEnabled",
    reason: /apiEnabled is required/,
  },
  {
    name: "apiEnabled as an object",
    news: () => ({ userId: VALID_ID, apiEnabled: { value: true } }),
    property: "apiEnabled",
    reason: /apiEnabled must be a boolean \(true or false\), got object/,
  },
  {
    name: "apiEnabled missing",
    news: () => ({ userId: VALID_ID }),
    property: "apiEnabled",
    reason: /apiEnabled is required: declare true .*, false .*\(there is no default\)/,
  },
  {
    name: "unknown onDelete",
    news: () => ({ userId: VALID_ID, apiEnabled: true, onDelete: "destroy" }),
    property: "onDelete",
    reason: /onDelete must be one of "restore", "disable" or "retain", got "destroy"/,
  },
  {
    name: "misspelt property",
    news: () => ({ userId: VALID_ID, apiEnabled: true, apiEnabeld: false }),
    property: "apiEnabeld",
    reason: /unknown property "apiEnabeld"/,
  },
  {
    name: "neither userId nor email",
    news: () => ({ apiEnabled: true }),
    property: "userId",
    reason: /set userId .* or email/,
  },
];

describe("check refuses hostile inputs, and sends nothing for them", () => {
  it.each(INPUT_ROWS)("$name", async (row) => {
    lab.emulator.clearRequestLog();
    const news = lab.inputs(row.news());
    const checked = await lab.host.check(lab.urn("hostile"), {}, news);
    lab.transcript.observe({
      section: "hostile input (check)",
      case: row.name,
      outcome: checked.failures.length > 0 ? "CheckFailure" : "accepted",
      message: checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; "),
    });
    expect(checked.failures).toContainEqual({
      property: row.property,
      reason: expect.stringMatching(row.reason) as string,
    });
    // Reasons quote the bad value clipped: a 10 KB input does not make a 10 KB message.
    for (const failure of checked.failures) expect(failure.reason.length).toBeLessThan(400);
    expect(lab.emulator.requestLog()).toStrictEqual([]);
  });

  it("the host still answers a valid check afterwards", async () => {
    const user = freshUser();
    const checked = await lab.host.check(
      lab.urn("valid"),
      {},
      lab.inputs({ userId: user.id.toUpperCase(), apiEnabled: false }),
    );
    expect(checked.failures).toStrictEqual([]);
    expect(checked.inputs).toMatchObject({ userId: user.id, apiEnabled: false });
  });
});

describe("checks that need the account", () => {
  it("userId and email naming different users: a CheckFailure naming both", async () => {
    const [a, b] = [freshUser(), freshUser()];
    const checked = await lab.host.check(
      lab.urn("disagree"),
      {},
      lab.inputs({ userId: a.id, email: b.email, apiEnabled: true }),
    );
    const reason = checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ");
    lab.transcript.observe({
      section: "hostile input (check)",
      case: "userId and email that disagree",
      outcome: "CheckFailure",
      message: reason,
    });
    expect(checked.failures).toHaveLength(1);
    expect(reason).toMatch(
      new RegExp(`^userId: userId ${a.id} and email ${b.email} name different users`),
    );
    expect(reason).toContain(`the email belongs to ${b.id}`);
  });

  it("an email the account does not hold: a CheckFailure with the account's size", async () => {
    const checked = await lab.host.check(
      lab.urn("nobody"),
      {},
      lab.inputs({ email: "nobody@example.com", apiEnabled: true }),
    );
    expect(checked.failures).toStrictEqual([
      {
        property: "email",
        reason: expect.stringMatching(
          /no Vultr user has the email "nobody@example.com" \(the account holds 40 users\)/,
        ) as string,
      },
    ]);
  });
});

describe("the unknown sentinel of a preview passes check untouched", () => {
  // An unknown part of the identity: nothing to look up. A known identity is confirmed with the
  // account (one list read), whatever else is unknown; nothing is ever written.
  it.each([
    { name: "userId", news: () => ({ userId: UNKNOWN, apiEnabled: true }), reads: [] },
    { name: "email", news: () => ({ email: UNKNOWN, apiEnabled: false }), reads: [] },
    {
      name: "apiEnabled",
      news: () => ({ userId: freshUser().id, apiEnabled: UNKNOWN }),
      reads: ["GET /users"],
    },
    {
      name: "onDelete",
      news: () => ({ userId: freshUser().id, apiEnabled: true, onDelete: UNKNOWN }),
      reads: ["GET /users"],
    },
  ])("as $name", async (row) => {
    const news = lab.inputs(row.news(), await lab.freshProvider());
    lab.emulator.clearRequestLog();
    const checked = await lab.host.check(lab.urn(`preview-${row.name}`), {}, news);
    expect(checked.failures).toStrictEqual([]);
    expect(checked.inputs[row.name]).toBe(UNKNOWN);
    expect(lab.emulator.requestLog().map((r) => r.route)).toStrictEqual(row.reads);
  });
});

describe("steps given invalid inputs without a check (a tampered state, a broken engine)", () => {
  it("create with userId ../account never puts the id on the wire", async () => {
    lab.emulator.clearRequestLog();
    const result = await settle(
      lab.host.create(
        lab.urn("tampered"),
        lab.inputs({ userId: "../account", apiEnabled: true }, await lab.freshProvider()),
      ),
    );
    const message = failureOf(result);
    const requests = lab.emulator.requestLog().map((r) => `${r.method} ${r.path}`);
    lab.transcript.observe({
      section: "hostile input (create without check)",
      case: "userId ../account",
      outcome: "failed the step",
      message,
      attempts: requests.length,
    });
    expect(requests.every((r) => r === "GET /users")).toBe(true);
  });

  it("read and delete of a state holding a hostile id never put it on the wire", async () => {
    lab.emulator.clearRequestLog();
    const state = lab.inputs({ userId: "../account", apiEnabled: true, onDelete: "disable" });
    const read = await settle(lab.host.read("../account", lab.urn("tampered"), state));
    const deleted = await settle(lab.host.delete("../account", lab.urn("tampered"), state));
    const requests = lab.emulator.requestLog().map((r) => `${r.method} ${r.path}`);
    lab.transcript.observe({
      section: "hostile input (read/delete without check)",
      case: "state whose id is ../account",
      outcome: `read ${read.ok ? `returned id "${read.value.id}"` : "failed"}, delete ${deleted.ok ? "succeeded" : "failed"}`,
      message: [read, deleted].map((r) => (r.ok ? "" : r.message)).join(" | "),
      attempts: requests.length,
    });
    expect(requests.every((r) => r === "GET /users")).toBe(true);
  });

  // No Vultr account can hold a user whose id is not an id: refresh drops such a resource from
  // the state and destroy lets it go, as for any user the account does not hold. (Since 8cfb6ed
  // a miss in the snapshot is confirmed with a GET, whose client refuses the id: read and delete
  // fail with `"../account" is not a Vultr user id …; nothing was sent`, and the resource can
  // only leave the state through `pulumi state delete`. Reported as a provider bug.)
  it("refresh drops a state holding a hostile id, and delete lets it go", async () => {
    const state = lab.inputs({ userId: "../account", apiEnabled: true, onDelete: "disable" });
    const read = await settle(lab.host.read("../account", lab.urn("tampered"), state));
    expect(valueOf(read).id).toBe("");
    valueOf(await settle(lab.host.delete("../account", lab.urn("tampered"), state)));
  });

  // Create, update and diff validate too (this was bug 4): should check be bypassed, a userId
  // that is not an id or an apiEnabled of "true" is refused, never read as "no user" or false.
  it.each([
    {
      name: "userId ../account",
      news: { userId: "../account", apiEnabled: true },
      property: "userId",
    },
    { name: 'apiEnabled "true"', news: { userId: "", apiEnabled: "true" }, property: "apiEnabled" },
  ])("create refuses $name naming the property, before any request", async (row) => {
    const user = freshUser();
    const news = { ...row.news, userId: row.news.userId === "" ? user.id : row.news.userId };
    lab.emulator.clearRequestLog();
    const result = await settle(
      lab.host.create(lab.urn("tampered"), lab.inputs(news, await lab.freshProvider())),
    );
    lab.transcript.observe({
      section: "hostile input (create without check)",
      case: row.name,
      outcome: result.ok
        ? `succeeded: ${JSON.stringify({ ...result.value.outs, __provider: "…" })}`
        : "failed the step",
      ...(result.ok ? {} : { message: result.message }),
      attempts: lab.emulator.requestLog().length,
    });
    expect(failureOf(result)).toMatch(new RegExp(row.property));
    expect(lab.emulator.requestLog()).toStrictEqual([]);
  });

  it.each(["diff", "update"] as const)(
    '%s refuses an apiEnabled of "true" instead of reading it as false, before any request',
    async (step) => {
      const user = freshUser();
      const olds = {
        userId: user.id,
        email: user.email,
        name: user.name,
        apiEnabled: user.api_enabled,
        acls: [],
        initialApiEnabled: user.api_enabled,
        onDelete: "restore",
      };
      const news = lab.inputs({ userId: user.id, apiEnabled: "true" }, await lab.freshProvider());
      lab.emulator.clearRequestLog();
      const call: Promise<unknown> =
        step === "diff"
          ? lab.host.diff(user.id, lab.urn("tampered"), olds, news)
          : lab.host.update(user.id, lab.urn("tampered"), olds, news);
      const result = await settle(call);
      expect(failureOf(result)).toMatch(/Invalid UserApiAccess inputs: apiEnabled: /);
      expect(lab.emulator.requestLog()).toStrictEqual([]);
    },
  );
});

describe("two resources claiming one user (program side, under mocks)", () => {
  beforeAll(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) =>
          Promise.resolve({ id: `${args.name}-id`, state: args.inputs as Record<string, unknown> }),
        call: (args) => Promise.resolve(args.inputs as Record<string, unknown>),
      },
      "faults",
      "dev",
    );
  });

  it.each([
    { name: "the same userId", first: { userId: VALID_ID }, second: { userId: VALID_ID } },
    {
      name: "the same userId in another case",
      first: { userId: "564a1a88947b4" },
      second: { userId: "564A1A88947B4" },
    },
    {
      name: "the same email in another case, with spaces",
      first: { email: "ops@example.com" },
      second: { email: "  OPS@Example.com " },
    },
  ])("$name: the second declaration throws naming both resources", (row) => {
    new UserApiAccess(`first-${row.name}`, { ...row.first, apiEnabled: true });
    let message = "";
    try {
      new UserApiAccess(`second-${row.name}`, { ...row.second, apiEnabled: false });
    } catch (error) {
      message = (error as Error).message;
    }
    lab.transcript.observe({
      section: "hostile input (program)",
      case: `duplicate target: ${row.name}`,
      outcome: message === "" ? "accepted" : "error at declaration",
      message,
    });
    expect(message).toMatch(
      new RegExp(
        `UserApiAccess "second-${row.name}" targets the same Vultr user as UserApiAccess "first-${row.name}"`,
      ),
    );
  });
});
