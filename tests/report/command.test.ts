/**
 * `vultr-api-access report` as a pipeline runs it: the built command as a child process, the
 * emulator over real HTTP, exit codes and streams checked as a user would see them.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "csv-parse/sync";
import type { RunningEmulator } from "../../emulator";
import { CSV_COLUMNS } from "../../report/formats";
import { FINDING_CODES } from "../../report/findings";
import type { ReportDocument } from "../../report/types";
import {
  EXPECTED_FINDINGS,
  GENERATED_USERS,
  OFFICE_RANGE,
  runReport,
  STACK_EXPORT,
  startReportAccount,
  USERS,
  type RunResult,
} from "./account";

let emulator: RunningEmulator;
let dir: string;
let stateFile: string;
/** Every output of every run, searched for keys at the end. */
const outputs: string[] = [];

async function report(args: string[], env: Record<string, string | undefined> = {}) {
  const result = await runReport(emulator, args, env);
  outputs.push(result.stdout, result.stderr);
  return result;
}

const FULL = ["report", "--format", "json", "--allowlists", "--keys"];

function documentOf(result: RunResult): ReportDocument {
  expect(result).toMatchObject({ code: 0, stderr: "" });
  return JSON.parse(result.stdout) as ReportDocument;
}

function userIn(document: ReportDocument, id: string) {
  const user = document.users.find((candidate) => candidate.id === id);
  if (user === undefined) throw new Error(`user ${id} is not in the report`);
  return user;
}

beforeAll(async () => {
  emulator = await startReportAccount();
  dir = await mkdtemp(path.join(tmpdir(), "vultr-report-"));
  stateFile = path.join(dir, "prod.json");
  await writeFile(stateFile, JSON.stringify(STACK_EXPORT));
});

afterAll(async () => {
  await emulator?.close();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => emulator.clearRequestLog());

describe("the JSON document", () => {
  it("raises every finding on the user set up for it, and no other", async () => {
    const document = documentOf(await report([...FULL, "--state", stateFile]));
    const found = Object.fromEntries(
      Object.entries(USERS).map(([key, user]) => [key, userIn(document, user.id).findings]),
    );
    expect(found).toStrictEqual(EXPECTED_FINDINGS);
    const raised = new Set(Object.values(EXPECTED_FINDINGS).flat());
    expect(FINDING_CODES.filter((code) => !raised.has(code))).toStrictEqual([]);
  });

  it("has the documented shape, and what each user holds", async () => {
    const document = documentOf(await report([...FULL, "--state", stateFile]));
    expect(Object.keys(document).sort()).toStrictEqual(
      ["endpoint", "generatedAt", "notes", "stacks", "summary", "users"].sort(),
    );
    expect(document.endpoint).toBe(emulator.baseUrl);
    expect(document.stacks).toStrictEqual(["team/prod"]);
    expect(document.notes).toStrictEqual([]);
    expect(Date.parse(document.generatedAt)).not.toBeNaN();
    expect(userIn(document, USERS.ciBot.id)).toStrictEqual({
      id: USERS.ciBot.id,
      email: USERS.ciBot.email,
      name: USERS.ciBot.name,
      status: "active",
      serviceUser: false,
      apiEnabled: true,
      acls: ["provisioning"],
      manageUsers: false,
      lastActivity: USERS.ciBot.last_activity,
      allowlist: { anyIpv4: false, anyIpv6: false, subnets: [OFFICE_RANGE] },
      keys: {
        count: 1,
        expired: 0,
        nextExpiry: null,
        items: emulator.listApiKeys(USERS.ciBot.id).map((key) => ({
          id: key.id,
          name: "default",
          hint: `…${key.api_key.slice(-5)}`,
          dateExpire: null,
        })),
      },
      managedBy: [
        {
          stack: "team/prod",
          resource: "ci-bot",
          kind: "UserApiAccess",
          declaredApiEnabled: true,
          declaredAllowedIps: null,
        },
      ],
      findings: [],
    });
    expect(userIn(document, USERS.open.id).allowlist).toStrictEqual({
      anyIpv4: true,
      anyIpv6: true,
      subnets: [],
    });
    const expiring = userIn(document, USERS.expiring.id).keys;
    expect(expiring?.count).toBe(2);
    // Every key by id, name, hint and expiry, in Vultr's order; never a key value.
    expect(expiring?.items).toStrictEqual(
      emulator.listApiKeys(USERS.expiring.id).map((key) => ({
        id: key.id,
        name: key.name,
        hint: `…${key.api_key.slice(-5)}`,
        dateExpire: key.expire ? key.date_expire : null,
      })),
    );
    expect(expiring?.items.map((item) => item.name)).toStrictEqual(["default", "rotating"]);
    expect(Date.parse(expiring?.nextExpiry ?? "") - Date.now()).toBeLessThan(11 * 86_400_000);
    // An API-disabled user's allowlist and keys are not read: nobody can use them.
    expect(userIn(document, USERS.bystander.id)).toMatchObject({ allowlist: null, keys: null });
    expect(document.summary.users).toBe(Object.keys(USERS).length + GENERATED_USERS);
    expect(document.summary.apiEnabled).toBe(document.users.filter((u) => u.apiEnabled).length);
    for (const [code, count] of Object.entries(document.summary.findings)) {
      expect([
        code,
        document.users.filter((u) => u.findings.includes(code as never)).length,
      ]).toStrictEqual([code, count]);
    }
  });

  it("leaves allowlist and keys null and managedBy empty when not asked for", async () => {
    const document = documentOf(await report(["report", "--format", "json"]));
    expect(document.stacks).toStrictEqual([]);
    for (const user of document.users) {
      expect([user.allowlist, user.keys, user.managedBy]).toStrictEqual([null, null, []]);
    }
    expect(userIn(document, USERS.admin.id).findings).toStrictEqual(["admin-with-api"]);
  });
});

describe("the request count", () => {
  const pages = Math.ceil((Object.keys(USERS).length + GENERATED_USERS) / 500);
  const apiEnabledIds = () =>
    emulator
      .listUsers()
      .filter((user) => user.api_enabled)
      .map((user) => user.id)
      .sort();

  it("reads only the list pages by default", async () => {
    documentOf(await report(["report", "--format", "json", "--state", stateFile]));
    expect(emulator.requestLog().map((request) => request.route)).toStrictEqual(
      Array<string>(pages).fill("GET /users"),
    );
  });

  it.each([
    [["--allowlists"], ["GET /users/:id/ip-whitelist"]],
    [["--keys"], ["GET /users/:id/apikeys"]],
    [
      ["--allowlists", "--keys"],
      ["GET /users/:id/ip-whitelist", "GET /users/:id/apikeys"],
    ],
  ])("adds one request per API-enabled user for %j", async (flags, routes) => {
    documentOf(await report(["report", "--format", "json", ...flags]));
    const log = emulator.requestLog();
    expect(log.filter((request) => request.route === "GET /users")).toHaveLength(pages);
    expect(log).toHaveLength(pages + routes.length * apiEnabledIds().length);
    for (const route of routes) {
      const ids = log.filter((request) => request.route === route).map((r) => r.path.split("/")[2]);
      expect(ids.sort()).toStrictEqual(apiEnabledIds());
    }
  });
});

describe("formats", () => {
  it("writes CSV that a CSV reader reads back: a header, then one row per user", async () => {
    const out = path.join(dir, "report.csv");
    const result = await report(["report", "--allowlists", "--keys", "--out", out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/wrote the report of \d+ users to .*report\.csv/);
    const text = await readFile(out, "utf8");
    outputs.push(text);
    const rows = parse<Record<string, string>>(text, { columns: true });
    expect(Object.keys(rows[0] ?? {})).toStrictEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(Object.keys(USERS).length + GENERATED_USERS);
    const bystander = rows.find((row) => row.id === USERS.bystander.id);
    expect(bystander).toMatchObject({
      name: USERS.bystander.name,
      apiEnabled: "false",
      manageUsers: "true",
      anyIpv4: "",
      keyCount: "",
      findings: "",
    });
    expect(rows.find((row) => row.id === USERS.admin.id)).toMatchObject({
      acls: "billing manage_users",
      subnets: OFFICE_RANGE,
      anyIpv4: "false",
      keyCount: "1",
      findings: "admin-with-api",
    });
  });

  it("prints a table readable at 100 columns, with findings under their user", async () => {
    const result = await report([
      "report", "--format", "table", "--allowlists", "--keys", "--state", stateFile,
    ]); // prettier-ignore
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines.filter((line) => line.length > 100)).toStrictEqual([]);
    expect(lines[2]).toMatch(/^USER\s+STATUS\s+API\s+ALLOWLIST\s+KEYS\s+MANAGED BY$/);
    const row = lines.findIndex((line) => line.startsWith(USERS.suspended.email));
    expect(lines[row]).toMatch(/suspended\s+yes\s+185\.199\.108\.0\/22\s+1\s+no$/);
    expect(lines[row + 1]).toBe("    ! api-on-inactive-account, unmanaged-api-access");
    expect(lines.find((line) => line.startsWith(USERS.ciBot.email))).toMatch(/ci-bot$/);
  });

  it("chooses JSON when stdout is not a terminal", async () => {
    expect(documentOf(await report(["report"])).users.length).toBeGreaterThan(0);
  });
});

describe("exit codes", () => {
  it("exits 3 with --fail-on when a listed finding is present, and 0 once it is gone", async () => {
    const gate = ["report", "--format", "json", "--fail-on", "api-on-inactive-account,drift", "--state", stateFile]; // prettier-ignore
    const failing = await report(gate);
    expect(failing.code).toBe(3);
    expect(failing.stderr).toMatch(
      /failing on api-on-inactive-account \(1 user\), drift \(1 user\)/,
    );
    expect(JSON.parse(failing.stdout)).toHaveProperty("summary");

    emulator.setUser(USERS.suspended.id, { status: "active" });
    emulator.setUser(USERS.drifted.id, { api_enabled: false });
    try {
      expect(await report(gate)).toMatchObject({ code: 0, stderr: "" });
    } finally {
      emulator.setUser(USERS.suspended.id, { status: "suspended" });
      emulator.setUser(USERS.drifted.id, { api_enabled: true });
    }
  });

  it.each([
    [["report", "--format", "xml"], /--format must be one of table, json, csv, got "xml"/],
    [["report", "--colour"], /--colour/],
    [["report", "--fail-on", "drift"], /--fail-on drift needs --state FILE/],
    [["report", "--state", "/nonexistent/prod.json"], /--state \/nonexistent\/prod\.json: cannot read it \(ENOENT\)/],
    [["report", "--out", "/nonexistent/dir/r.csv"], /--out \/nonexistent\/dir\/r\.csv/],
    [["audit"], /unknown command "audit"/],
  ])("exits 2 for %j, names the problem and sends nothing", async (args, message) => {
    const result = await report(args);
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain("--help");
    expect(emulator.requestLog()).toStrictEqual([]);
  }); // prettier-ignore

  it("exits 2 for a --state file that is not a stack export, naming the file", async () => {
    const notExport = path.join(dir, "Pulumi.prod.yaml.json");
    await writeFile(notExport, JSON.stringify({ config: { "vultr:apiEndpoint": "x" } }));
    const result = await report(["report", "--state", notExport]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--state ${notExport}: not a \`pulumi stack export\` file`);
    const notJson = path.join(dir, "notes.txt");
    await writeFile(notJson, "hello");
    expect((await report(["report", "--state", notJson])).stderr).toContain(`--state ${notJson}: not JSON`);
  }); // prettier-ignore

  it("exits 2 without a key, naming VULTR_API_KEY", async () => {
    const result = await report(["report"], { VULTR_API_KEY: undefined });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("VULTR_API_KEY");
  });

  it("exits 1 on an API failure with the status and Vultr's text, and no stack trace", async () => {
    emulator.addFault({
      method: "GET",
      path: "/users",
      kind: "status",
      status: 403,
      body: { error: "Forbidden: this key may not manage users", status: 403 },
      persistent: true,
    });
    try {
      const result = await report(["report", "--format", "json"]);
      expect(result).toMatchObject({ code: 1, stdout: "" });
      expect(result.stderr).toContain("403");
      expect(result.stderr).toContain("Forbidden: this key may not manage users");
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      emulator.clearFaults();
    }
  });

  it("exits 1 naming the user when a per-user read fails", async () => {
    emulator.addFault({
      method: "GET",
      path: `/users/${USERS.admin.id}/ip-whitelist`,
      kind: "status",
      status: 404,
      body: { error: "Invalid user.", status: 404 },
      persistent: true,
    });
    try {
      const result = await report(["report", "--allowlists"]);
      expect(result).toMatchObject({ code: 1, stdout: "" });
      expect(result.stderr).toContain(USERS.admin.id);
      expect(result.stderr).toContain("404");
    } finally {
      emulator.clearFaults();
    }
  });

  it("never prints the key, even when Vultr's answer echoes it", async () => {
    emulator.addFault({
      path: "/users",
      kind: "status",
      status: 401,
      body: { error: `Invalid API token: ${emulator.ownerKey}`, status: 401 },
      persistent: true,
    });
    try {
      const result = await report(["report"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("Invalid API token");
    } finally {
      emulator.clearFaults();
    }
    for (const format of ["table", "json", "csv"]) {
      const out = path.join(dir, `keys.${format}`);
      await report(["report", "--allowlists", "--keys", "--format", format]);
      await report(["report", "--allowlists", "--keys", "--format", format, "--out", out]);
      outputs.push(await readFile(out, "utf8"));
    }
    const keys = [
      emulator.ownerKey,
      ...emulator
        .listUsers()
        .flatMap((user) => emulator.listApiKeys(user.id).map((k) => k.api_key)),
    ];
    expect(outputs.length).toBeGreaterThan(20);
    const leaks = keys.filter((key) => outputs.some((text) => text.includes(key)));
    expect(leaks).toStrictEqual([]);
  });
});
