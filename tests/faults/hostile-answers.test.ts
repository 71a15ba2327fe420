/**
 * Hostile answers from the API, through the real provider host: user objects that cannot be
 * trusted, pages that break the paging rules, error texts built to hurt, a single read answered
 * with another user. Each either fails the step with a clear error, sending no PATCH, or is
 * accepted without letting anything extra into the outputs.
 */
import type { EmulatedUser } from "../../emulator";
// A user object as Vultr shows it, from the emulator itself.
import { publicUser } from "../../emulator/api-routes";
import type { ProviderHost } from "../support/provider-host";
import { FAST_LAB, failureOf, settle, useLab, valueOf, type Props } from "../support/lab";

const lab = useLab("hostile-answers", { users: 600, seed: 18, ...FAST_LAB });
let users: EmulatedUser[];
beforeAll(() => {
  users = lab.emulator.listUsers();
});

let taken = 0;
function pageOneUser(): EmulatedUser {
  const user = users[++taken];
  if (user === undefined || taken >= 500) throw new Error("out of page-one users");
  return user;
}

function page(list: Props[], total = list.length, next = ""): Props {
  return { users: list, meta: { total, links: { next, prev: "" } } };
}

interface AnswerRow {
  name: string;
  /** The body the list answers with (200), given the user the step is about. */
  body: (user: EmulatedUser) => unknown;
  /** The step's error, or undefined when the answer is acceptable. */
  error?: RegExp;
  /** List requests the step may make. */
  listRequests: number;
}

const ANSWER_ROWS: AnswerRow[] = [
  {
    name: "a user object without api_enabled",
    body: (user) => page([{ ...publicUser(user), api_enabled: undefined }]),
    error:
      /Listing Vultr users: Vultr's answer has user [0-9a-f-]+ with api_enabled missing, not a boolean/,
    listRequests: 1,
  },
  {
    name: 'api_enabled as the string "false"',
    body: (user) => page([{ ...publicUser(user), api_enabled: "false" }]),
    error: /has user [0-9a-f-]+ with api_enabled as string "false", not a boolean/,
    listRequests: 1,
  },
  {
    name: "acls that are not a list of strings",
    body: (user) => page([{ ...publicUser(user), acls: "manage_users" }]),
    error: /whose acls are not a list of strings/,
    listRequests: 1,
  },
  {
    name: "no users list at all",
    body: () => ({ meta: { total: 3 } }),
    error: /Listing Vultr users: Vultr's answer has no users list/,
    listRequests: 1,
  },
  {
    name: "a page holding more users than per_page (501 of 500)",
    body: (user) =>
      page(
        Array.from({ length: 501 }, (_, i) => ({
          ...publicUser(user),
          id: `${i}`.padStart(13, "a"),
        })),
      ),
    error: /holds 501 users on a page of at most 500/,
    listRequests: 1,
  },
  {
    name: "a page claiming 100 000 users whose next cursor repeats",
    body: (user) => page([publicUser(users[0] ?? user)], 100_000, "bmV4dF9fMQ=="),
    error: /the list's cursors loop/,
    listRequests: 2,
  },
  {
    name: "a page claiming 100 000 users, the target on it, no next page",
    body: (user) => page([publicUser(user)], 100_000),
    listRequests: 1,
  },
  {
    name: "extra fields, an api_key and a password among them (accepted, never output)",
    body: (user) =>
      page([
        {
          ...publicUser(user),
          api_key: "LEAKEDKEY0123456789ABCDEFGHIJKLMNOPQ",
          password: "hunter2-hunter2",
          first_name: "Eve",
          nested: { deep: [1, 2, 3] },
        },
      ]),
    listRequests: 1,
  },
];

const OUTPUT_KEYS = [
  "__inputs",
  "__provider",
  "acls",
  "apiEnabled",
  "email",
  "initialApiEnabled",
  "name",
  "onDelete",
  "userId",
];

describe("hostile answers from the API", () => {
  it.each(ANSWER_ROWS)("$name", async (row) => {
    const user = pageOneUser();
    lab.emulator.clearRequestLog();
    lab.emulator.addFault({
      method: "GET",
      path: "/users",
      kind: "status",
      status: 200,
      body: row.body(user),
      persistent: true,
    });
    const news = lab.inputs(
      { userId: user.id, apiEnabled: !user.api_enabled },
      await lab.freshProvider(),
    );
    const result = await settle(lab.host.create(lab.urn(`answer-${user.id}`), news));
    lab.emulator.clearFaults();
    const requests = lab.emulator.requestLog();
    lab.transcript.observe({
      section: "hostile answers",
      case: row.name,
      outcome: result.ok ? "accepted" : "failed the step",
      attempts: requests.length,
      ...(result.ok ? {} : { message: result.message }),
    });
    expect(requests.filter((r) => r.route === "GET /users")).toHaveLength(row.listRequests);
    if (row.error === undefined) {
      const outs = valueOf(result).outs;
      expect(Object.keys(outs).sort()).toStrictEqual(OUTPUT_KEYS);
      expect(JSON.stringify(outs)).not.toMatch(/LEAKEDKEY|hunter2|Eve|nested/);
      // The hidden `__inputs` hold what was declared, nothing of the answer.
      expect(outs["__inputs"]).toStrictEqual({ userId: user.id, apiEnabled: !user.api_enabled });
      expect(lab.emulator.getUser(user.id)?.api_enabled).toBe(!user.api_enabled);
    } else {
      expect(failureOf(result)).toMatch(row.error);
      // Deciding access from an answer it cannot trust would be worse than failing.
      expect(requests.filter((r) => r.method === "PATCH")).toStrictEqual([]);
    }
  });

  it("Vultr's error text is quoted with its control characters escaped", async () => {
    const user = pageOneUser();
    lab.emulator.addFault({
      method: "PATCH",
      path: `/users/${user.id}`,
      kind: "status",
      status: 400,
      body: { error: "bad\u001b[31m red\u001b[0m\nsecond line\r", status: 400 },
    });
    const news = lab.inputs(
      { userId: user.id, apiEnabled: !user.api_enabled },
      await lab.freshProvider(),
    );
    const message = failureOf(await settle(lab.host.create(lab.urn("ansi"), news)));
    lab.transcript.observe({
      section: "hostile answers",
      case: "an error text with ANSI escapes and line breaks",
      outcome: "failed the step",
      message,
    });
    expect(message).toContain('Vultr answered 400 "bad\\u001b[31m red\\u001b[0m\\nsecond line\\r"');
    expect([...message].some((c) => c.charCodeAt(0) < 0x20)).toBe(false);
  });

  // Vultr's `error` text is clipped (this was bug 5): past ~64 KB the host's gRPC answer carrying
  // it could not be sent (Node's http2 header block limit), and the RPC hung.
  it("a 100 KB error text still fails the step quickly, with a clipped message", async () => {
    const host: ProviderHost = await lab.startHost({ rpcTimeoutMs: 3_000 });
    const user = pageOneUser();
    lab.emulator.addFault({
      method: "PATCH",
      path: `/users/${user.id}`,
      kind: "status",
      status: 400,
      body: { error: "x".repeat(100_000), status: 400 },
    });
    const news = lab.inputs({ userId: user.id, apiEnabled: !user.api_enabled });
    const result = await settle(host.create(lab.urn("huge-error"), news));
    lab.emulator.clearFaults();
    const message = failureOf(result);
    lab.transcript.observe({
      section: "hostile answers",
      case: "an error text of 100 KB",
      outcome: "the step fails at once with a clipped message",
      message,
    });
    expect(message).toMatch(/Vultr answered 400/);
    expect(message.length).toBeLessThan(2_000);
  });

  // A single read (GET /users/<id>) must be about <id> (this was bug 6): answered with another
  // user's object, create would have adopted and PATCHed that other user.
  it("a single read answered with ANOTHER user's object is not acted upon", async () => {
    // Single reads happen when the program declares fewer resources than the list has pages.
    const host = await lab.startHost();
    const hint = lab.inputs({ userId: users[0]?.id, apiEnabled: true, __fleetSize: 1 });
    expect((await host.check(lab.urn("hint"), {}, hint)).failures).toStrictEqual([]);
    const [target, other] = [users[550], pageOneUser()];
    if (target === undefined) throw new Error("no page-two user");
    lab.emulator.clearRequestLog();
    lab.emulator.addFault({
      method: "GET",
      path: `/users/${target.id}`,
      kind: "status",
      status: 200,
      body: { user: publicUser(other) },
    });
    const news = lab.inputs({ userId: target.id, apiEnabled: !other.api_enabled });
    const result = await settle(host.create(lab.urn("swapped"), news));
    const patched = lab.emulator
      .requestLog()
      .filter((r) => r.method === "PATCH")
      .map((r) => r.path);
    lab.transcript.observe({
      section: "hostile answers",
      case: "GET /users/<id> answers another user's object",
      outcome: result.ok ? `succeeded with id ${result.value.id}` : "failed the step",
      message: `PATCHed: ${patched.join(", ") || "nothing"}${result.ok ? "" : `; ${result.message}`}`,
    });
    expect(patched).not.toContain(`/users/${other.id}`);
    expect(lab.emulator.getUser(other.id)?.api_enabled).toBe(other.api_enabled);
  });
});
