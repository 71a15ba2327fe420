/**
 * The report's pure core: findings over plain data, the stack-export join, the summaries and
 * the arguments. The emulator suites (account.test.ts, command.test.ts) cover the I/O.
 */
import { chooseFormat, HELP, parseArguments, UsageError } from "../../report/arguments";
import { buildReport } from "../../report/build";
import { FINDING_CODES, findingsFor, type UserEvidence } from "../../report/findings";
import { summarizeKeys } from "../../report/keys";
import { declarationsOf, managedByFor, parseUrn, StateFileError } from "../../report/state";
import type { AccountUser, ManagedBy, StackDeclarations } from "../../report/types";

const NOW = new Date("2026-06-01T00:00:00Z");
const DAY = 24 * 60 * 60 * 1000;
const daysFromNow = (days: number) => new Date(NOW.getTime() + days * DAY).toISOString();

const user = (fields: Partial<AccountUser> = {}): AccountUser => ({
  id: "cb676a46-66fd-4dfb-b839-443f2e6c0b60",
  email: "ci@example.com",
  name: "CI",
  apiEnabled: true,
  acls: [],
  status: "active",
  lastActivity: daysFromNow(-1),
  ...fields,
});

const evidence = (fields: Partial<UserEvidence> = {}): UserEvidence => ({
  user: user(),
  allowlist: null,
  keys: null,
  managedBy: null,
  ...fields,
});

const access = (fields: Partial<ManagedBy> = {}): ManagedBy => ({
  stack: "team/prod",
  resource: "ci-bot",
  kind: "UserApiAccess",
  declaredApiEnabled: true,
  declaredAllowedIps: null,
  ...fields,
});

describe("findings", () => {
  it("finds nothing for a recently active API user whose options were not read", () => {
    expect(findingsFor(evidence(), NOW)).toStrictEqual([]);
  });

  it("reports api-open-to-any-ip for either family, only when the allowlist was read", () => {
    const open = { anyIpv4: false, anyIpv6: true, subnets: [] };
    expect(findingsFor(evidence({ allowlist: open }), NOW)).toStrictEqual(["api-open-to-any-ip"]);
    const closed = { anyIpv4: false, anyIpv6: false, subnets: ["198.51.100.0/24"] };
    expect(findingsFor(evidence({ allowlist: closed }), NOW)).toStrictEqual([]);
    const disabled = evidence({ user: user({ apiEnabled: false }), allowlist: open });
    expect(findingsFor(disabled, NOW)).toStrictEqual([]);
  });

  it("reports admin-with-api only when the API is enabled", () => {
    const admin = user({ acls: ["billing", "manage_users"] });
    expect(findingsFor(evidence({ user: admin }), NOW)).toStrictEqual(["admin-with-api"]);
    const quiet = user({ acls: ["manage_users"], apiEnabled: false });
    expect(findingsFor(evidence({ user: quiet }), NOW)).toStrictEqual([]);
  });

  it("counts only keys still valid for api-without-key, and a key within 30 days as expiring", () => {
    const keys = (dates: (string | null)[]) =>
      summarizeKeys(
        dates.map((date, i) => ({
          id: `k${i}`,
          maskedKey: "*****00000",
          name: "k",
          expire: date !== null,
          dateExpire: date,
        })),
        NOW,
      );
    expect(findingsFor(evidence({ keys: keys([]) }), NOW)).toStrictEqual(["api-without-key"]);
    expect(findingsFor(evidence({ keys: keys([daysFromNow(-2)]) }), NOW)).toStrictEqual([
      "api-without-key",
    ]);
    expect(findingsFor(evidence({ keys: keys([daysFromNow(10)]) }), NOW)).toStrictEqual([
      "key-expiring",
    ]);
    expect(findingsFor(evidence({ keys: keys([daysFromNow(45), null]) }), NOW)).toStrictEqual([]);
    expect(keys([daysFromNow(45), daysFromNow(-3), daysFromNow(12)])).toStrictEqual({
      count: 3,
      valid: 2,
      nextExpiry: daysFromNow(12),
    });
  });

  it("reports inactive-with-api for empty or old activity, not when Vultr sent no field", () => {
    const inactive = (lastActivity: string | undefined) => {
      const subject = user({ lastActivity: lastActivity ?? "" });
      if (lastActivity === undefined) delete subject.lastActivity;
      return findingsFor(evidence({ user: subject }), NOW);
    };
    expect(inactive("")).toStrictEqual(["inactive-with-api"]);
    expect(inactive(daysFromNow(-91))).toStrictEqual(["inactive-with-api"]);
    expect(inactive(daysFromNow(-89))).toStrictEqual([]);
    expect(inactive(undefined)).toStrictEqual([]);
  });

  it.each(["pending", "suspended", "closed"])(
    "reports api-on-inactive-account for a %s user",
    (status) => {
      expect(findingsFor(evidence({ user: user({ status }) }), NOW)).toStrictEqual([
        "api-on-inactive-account",
      ]);
    },
  );

  it("reports unmanaged-api-access, drift and managed-twice only with --state", () => {
    expect(findingsFor(evidence({ managedBy: [] }), NOW)).toStrictEqual(["unmanaged-api-access"]);
    expect(findingsFor(evidence({ managedBy: [access()] }), NOW)).toStrictEqual([]);
    expect(
      findingsFor(evidence({ managedBy: [access({ declaredApiEnabled: false })] }), NOW),
    ).toStrictEqual(["drift"]);
    const twice = [access(), access({ stack: "team/staging" })];
    expect(findingsFor(evidence({ managedBy: twice }), NOW)).toStrictEqual(["managed-twice"]);
    const withPolicy = [
      access(),
      access({ resource: "only-these", kind: "ApiAccessPolicy", declaredApiEnabled: null }),
    ];
    expect(findingsFor(evidence({ managedBy: withPolicy }), NOW)).toStrictEqual([]);
  });

  it("reports drift of allowedIps in canonical form, only when the allowlist was read", () => {
    const allowlist = { anyIpv4: false, anyIpv6: false, subnets: ["2001:db8::/32"] };
    const declares = (ips: string[]) => [access({ declaredAllowedIps: ips })];
    expect(
      findingsFor(evidence({ allowlist, managedBy: declares(["2001:0DB8:0::/32"]) }), NOW),
    ).toStrictEqual([]);
    expect(
      findingsFor(evidence({ allowlist, managedBy: declares(["198.51.100.0/24"]) }), NOW),
    ).toStrictEqual(["drift"]);
    expect(findingsFor(evidence({ managedBy: declares(["198.51.100.0/24"]) }), NOW)).toStrictEqual(
      [],
    );
  });

  it("lists the summary's counts per finding, in the documented order", () => {
    const document = buildReport(
      {
        endpoint: "https://api.vultr.com/v2",
        users: [
          user({ id: "a", acls: ["manage_users"], lastActivity: "" }),
          user({ id: "b", acls: ["manage_users"] }),
          user({ id: "c", apiEnabled: false, status: "closed" }),
        ],
        allowlists: undefined,
        apiKeys: undefined,
      },
      undefined,
      NOW,
    );
    expect(document.summary).toStrictEqual({
      users: 3,
      apiEnabled: 2,
      findings: { "admin-with-api": 2, "inactive-with-api": 1 },
    });
    expect(document.users.map((u) => u.allowlist ?? u.keys ?? u.managedBy)).toStrictEqual([
      [],
      [],
      [],
    ]);
  });
});

describe("stack exports", () => {
  const ACCESS = "pulumi-nodejs:dynamic/vultr:UserApiAccess";
  const POLICY = "pulumi-nodejs:dynamic/vultr:ApiAccessPolicy";
  const exportOf = (resources: unknown[]) => ({
    version: 3,
    deployment: { manifest: {}, resources },
  });
  const resource = (type: string, name: string, fields: Record<string, unknown>) => ({
    urn: `urn:pulumi:prod::team::${type}::${name}`,
    type,
    ...fields,
  });
  const ALICE = user({ id: "11111111-1111-4111-8111-111111111111", email: "alice@example.com" });
  const BOT = user({ id: "22222222-2222-4222-8222-222222222222", email: "bot@example.com" });
  const ADMIN = user({ id: "33333333-3333-4333-8333-333333333333", email: "root@example.com" });

  it("names the stack <project>/<stack> from the URN", () => {
    expect(parseUrn("urn:pulumi:prod::team::pkg:index:Type::a::b")).toStrictEqual({
      stack: "team/prod",
      resource: "a::b",
    });
    expect(parseUrn("not-a-urn")).toBeUndefined();
  });

  it("joins UserApiAccess by user id or email, and skips resources pending deletion", () => {
    const stacks = declarationsOf(
      exportOf([
        resource("pulumi:pulumi:Stack", "team-prod", {}),
        resource(ACCESS, "bot", {
          id: BOT.id,
          inputs: { email: BOT.email, apiEnabled: true, allowedIps: ["198.51.100.0/24"] },
          outputs: { userId: BOT.id, email: BOT.email, apiEnabled: true },
        }),
        resource(ACCESS, "alice", { inputs: { email: "ALICE@example.com", apiEnabled: false } }),
        resource(ACCESS, "old-alice", {
          id: ALICE.id,
          delete: true,
          inputs: { userId: ALICE.id, apiEnabled: true },
          outputs: { userId: ALICE.id },
        }),
      ]),
      "prod.json",
    );
    expect(stacks.stacks).toStrictEqual(["team/prod"]);
    expect(managedByFor(BOT, stacks)).toStrictEqual([
      access({ resource: "bot", declaredAllowedIps: ["198.51.100.0/24"] }),
    ]);
    expect(managedByFor(ALICE, stacks)).toStrictEqual([
      access({ resource: "alice", declaredApiEnabled: false }),
    ]);
  });

  it("counts an enforcing policy as declaring false for API users it does not list, but not for admins", () => {
    const policy = (enforce: boolean): StackDeclarations =>
      declarationsOf(
        exportOf([
          resource(POLICY, "only-ci", {
            id: "policy",
            inputs: {},
            outputs: {
              allowedUserIds: [BOT.id],
              exemptUserIds: [],
              enforce,
              violators: [],
              disabled: [],
              skippedAdmins: [{ userId: ADMIN.id, email: ADMIN.email }],
            },
          }),
        ]),
        "prod.json",
      );
    const entry = (declaredApiEnabled: boolean | null) =>
      access({ resource: "only-ci", kind: "ApiAccessPolicy", declaredApiEnabled });
    expect(managedByFor(BOT, policy(true))).toStrictEqual([entry(null)]);
    expect(managedByFor(ALICE, policy(true))).toStrictEqual([entry(false)]);
    expect(managedByFor(user({ ...ALICE, apiEnabled: false }), policy(true))).toStrictEqual([]);
    expect(managedByFor(ADMIN, policy(true))).toStrictEqual([]);
    // An admin who gained API access after the policy's last update is left alone too.
    const newAdmin = user({ ...ALICE, acls: ["manage_users"] });
    expect(managedByFor(newAdmin, policy(true))).toStrictEqual([]);
    expect(managedByFor(ALICE, policy(false))).toStrictEqual([]);
  });

  it.each([
    ["a list", []],
    ["an object without a deployment", { version: 3 }],
    ["resources that are not a list", { deployment: { resources: {} } }],
  ])("refuses %s, naming the file", (_, exported) => {
    expect(() => declarationsOf(exported, "stack.json")).toThrow(StateFileError);
    expect(() => declarationsOf(exported, "stack.json")).toThrow(/--state stack\.json/);
  });

  it("reads a stack with no resources as declaring nothing", () => {
    expect(
      declarationsOf({ version: 3, deployment: { manifest: {} } }, "empty.json"),
    ).toStrictEqual({ stacks: [], accesses: [], policies: [] });
  });
});

describe("arguments", () => {
  it("reads every option, --fail-on as a comma list and repeated", () => {
    expect(
      parseArguments([
        "report",
        "--format=csv",
        "--allowlists",
        "--keys",
        "--state",
        "a.json",
        "--state",
        "b.json",
        "--fail-on",
        "drift,admin-with-api",
        "--fail-on",
        "key-expiring",
        "--out",
        "r.csv",
      ]),
    ).toStrictEqual({
      help: false,
      format: "csv",
      allowlists: true,
      keys: true,
      stateFiles: ["a.json", "b.json"],
      failOn: ["drift", "admin-with-api", "key-expiring"],
      out: "r.csv",
    });
  });

  it.each([
    [[], /no command/],
    [["list"], /unknown command "list"/],
    [["report", "--format", "xml"], /--format must be one of table, json, csv, got "xml"/],
    [["report", "--fail-on", "nope"], /unknown finding "nope"/],
    [["report", "--verbose"], /--verbose/],
    [["report", "--state"], /--state/],
    [["report", "--fail-on", "api-open-to-any-ip"], /needs --allowlists/],
    [["report", "--fail-on", "key-expiring"], /needs --keys/],
    [["report", "--fail-on", "drift"], /needs --state FILE/],
  ])("refuses %j with a message naming the problem", (argv, message) => {
    expect(() => parseArguments(argv)).toThrow(UsageError);
    expect(() => parseArguments(argv)).toThrow(message);
  });

  it("chooses the format: explicit, then --out's extension, then table on a terminal only", () => {
    const options = (argv: string[]) => parseArguments(["report", ...argv]);
    expect(chooseFormat(options(["--format", "json", "--out", "r.csv"]), true)).toBe("json");
    expect(chooseFormat(options(["--out", "r.CSV"]), true)).toBe("csv");
    expect(chooseFormat(options(["--out", "r.json"]), true)).toBe("json");
    expect(chooseFormat(options([]), true)).toBe("table");
    expect(chooseFormat(options([]), false)).toBe("json");
  });

  it("documents every finding code in --help", () => {
    const help = parseArguments(["--help"]);
    expect(help.help).toBe(true);
    for (const code of FINDING_CODES) expect(HELP).toContain(code);
    for (const flag of ["--format", "--allowlists", "--keys", "--state", "--fail-on", "--out"]) {
      expect(HELP).toContain(flag);
    }
  });
});
