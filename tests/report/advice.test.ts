/**
 * What the report says when something is wrong, and what it marks: its own advice (it reads
 * environment variables, never Pulumi config), usage errors, a wrong endpoint, expired keys,
 * allowlist drift it did not check, and a table that wraps instead of cutting. The built command
 * runs as a child process against the emulator.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "csv-parse/sync";
import type { RunningEmulator } from "../../emulator";
import type { ReportDocument } from "../../report/types";
import {
  daysFromNow,
  runReport,
  STACK_EXPORT,
  startReportAccount,
  tableCell,
  USERS,
  type RunResult,
} from "./account";

let emulator: RunningEmulator;
let dir: string;

beforeAll(async () => {
  emulator = await startReportAccount();
  dir = await mkdtemp(path.join(tmpdir(), "vultr-report-advice-"));
});

afterAll(async () => {
  await emulator?.close();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => emulator.clearRequestLog());
afterEach(() => emulator.clearFaults());

const ACCESS = "pulumi-nodejs:dynamic/vultr:UserApiAccess";

function accessResource(name: string, user: { id: string; email: string }, inputs: object) {
  return {
    urn: `urn:pulumi:prod::team::${ACCESS}::${name}`,
    type: ACCESS,
    id: user.id,
    inputs: { userId: user.id, apiEnabled: true, ...inputs },
    outputs: { userId: user.id, email: user.email, apiEnabled: true },
  };
}

async function stateFileOf(name: string, resources: unknown[]): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, JSON.stringify({ version: 3, deployment: { manifest: {}, resources } }));
  return file;
}

const documentOf = (result: RunResult) => JSON.parse(result.stdout) as ReportDocument;
const userIn = (document: ReportDocument, id: string) =>
  document.users.find((user) => user.id === id);

describe("advice names what the report reads", () => {
  it("without a key, names VULTR_API_KEY and not Pulumi config", async () => {
    const result = await runReport(emulator, ["report"], { VULTR_API_KEY: "  " });
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toContain(
      "vultr-api-access: no Vultr API key: set the VULTR_API_KEY environment variable to the " +
        "account owner's key or to the key of a user with manage_users (the report reads " +
        "VULTR_API_KEY, VULTR_API_ENDPOINT and VULTR_MAX_RPS, not Pulumi config)",
    );
    expect(result.stderr).not.toContain("pulumi config");
    expect(emulator.requestLog()).toStrictEqual([]);
  });

  it("on a 401, names VULTR_API_KEY and not Pulumi config", async () => {
    const result = await runReport(emulator, ["report"], {
      VULTR_API_KEY: "not-a-known-key-at-all",
    });
    expect(result).toMatchObject({ code: 1, stdout: "" });
    expect(result.stderr).toContain('Listing Vultr users: Vultr answered 401 "Invalid API token."');
    expect(result.stderr).toContain(
      "Vultr did not accept the API key in VULTR_API_KEY: check that it is the account owner's " +
        "key or a key of a user with manage_users, that it has not expired, and that its user " +
        "still has API access",
    );
    expect(result.stderr).not.toMatch(/pulumi config|vultr:apiKey/);
  });

  it("on an address outside the key's allowlist, says where to run it from", async () => {
    emulator.addFault({
      method: "GET",
      path: "/users",
      kind: "status",
      status: 401,
      body: { error: "Unauthorized IP address: 203.0.113.9", status: 401 },
      persistent: true,
    });
    const result = await runReport(emulator, ["report"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "the API key's user does not allow requests from 203.0.113.9: run the report from an " +
        "address in that user's API allowlist, or with the account owner's key, or add the " +
        "address to the user's allowlist (Vultr console, Account → API)",
    );
    expect(result.stderr).not.toMatch(/pulumi|allowedIps/);
  });

  it("on a 404 for the list, blames the endpoint, not a user", async () => {
    emulator.addFault({
      method: "GET",
      path: "/users",
      kind: "status",
      status: 404,
      body: { error: "Not found.", status: 404 },
      persistent: true,
    });
    const result = await runReport(emulator, ["report"]);
    expect(result).toMatchObject({ code: 1, stdout: "" });
    expect(result.stderr).toContain(`${emulator.baseUrl}/users answered 404`);
    expect(result.stderr).toContain("must end in /v2");
    expect(result.stderr).not.toMatch(/pulumi refresh|no longer exists/);
  });

  it("on a 404 for one user's allowlist, says the user went away during the report", async () => {
    emulator.addFault({
      method: "GET",
      path: `/users/${USERS.admin.id}/ip-whitelist`,
      kind: "status",
      status: 404,
      body: { error: "Invalid user.", status: 404 },
      persistent: true,
    });
    const result = await runReport(emulator, ["report", "--allowlists"]);
    expect(result).toMatchObject({ code: 1, stdout: "" });
    expect(result.stderr).toBe(
      `vultr-api-access: Reading the API allowlist of Vultr user ${USERS.admin.id}: Vultr ` +
        `answered 404 "Invalid user." (GET ${emulator.baseUrl}/users/${USERS.admin.id}/ip-whitelist) ` +
        "— the user was deleted while the report was reading the account (the list had it " +
        "moments before): run the report again\n",
    );
  });

  it("when rate-limited to the end, names VULTR_MAX_RPS and the attempts", async () => {
    emulator.addFault({
      method: "GET",
      path: "/users",
      kind: "status",
      status: 429,
      body: { error: "Rate limit reached.", status: 429 },
      persistent: true,
    });
    const result = await runReport(emulator, ["report"], { VULTR_MAX_RETRIES: "1" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "Vultr kept rate-limiting the requests: lower VULTR_MAX_RPS (now 1000 per second), or try " +
        "again in a minute [gave up after 2 attempts]",
    );
    expect(result.stderr).not.toContain("vultr:maxRequestsPerSecond");
  });

  it("with VULTR_API_ENDPOINT missing /v2, says the endpoint must end in /v2", async () => {
    const origin = new URL(emulator.baseUrl).origin;
    const result = await runReport(emulator, ["report"], { VULTR_API_ENDPOINT: origin });
    // 1 when the list answers 404; 2 if the client refuses the endpoint's shape before sending.
    expect([1, 2]).toContain(result.code);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("VULTR_API_ENDPOINT");
    expect(result.stderr).toContain("must end in /v2");
    expect(result.stderr).not.toMatch(/pulumi refresh|no longer exists|vultr:apiEndpoint/);
  });

  it("on a network failure, names VULTR_API_ENDPOINT and not Pulumi config", async () => {
    const closed = "http://127.0.0.1:9/v2"; // the discard port: nothing listens
    const result = await runReport(emulator, ["report"], {
      VULTR_API_ENDPOINT: closed,
      VULTR_MAX_RETRIES: "0",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("VULTR_API_ENDPOINT");
    expect(result.stderr).not.toContain("vultr:apiEndpoint");
  });
});

describe("usage errors", () => {
  it.each([
    [["report", "--colour"], "unknown option --colour"],
    [["report", "-x"], "unknown option -x"],
    [["report", "--keys=yes"], "--keys takes no value, got --keys=yes"],
    [["report", "--state"], "--state needs a value: --state FILE"],
  ])("%j names the option and lists the valid ones (exit 2)", async (args, message) => {
    const result = await runReport(emulator, args);
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toContain(`vultr-api-access: ${message}`);
    expect(result.stderr).toContain(
      "the options are --format, --allowlists, --keys, --state, --fail-on, --out, --help",
    );
    expect(result.stderr).not.toMatch(/positional|'--'/);
    expect(emulator.requestLog()).toStrictEqual([]);
  });
});

describe("expired keys", () => {
  it("are marked in the table, counted in the JSON and the CSV", async () => {
    const key = emulator.addApiKey(USERS.dormant.id, { name: "old", date_expire: daysFromNow(-3) });
    try {
      const json = documentOf(await runReport(emulator, ["report", "--format", "json", "--keys"]));
      const itemsOf = (userId: string) =>
        emulator.listApiKeys(userId).map((k) => ({
          id: k.id,
          name: k.name,
          hint: `…${k.api_key.slice(-5)}`,
          dateExpire: k.expire ? k.date_expire : null,
        }));
      expect(userIn(json, USERS.dormant.id)?.keys).toStrictEqual({
        count: 2,
        expired: 1,
        nextExpiry: null,
        items: itemsOf(USERS.dormant.id),
      });
      expect(userIn(json, USERS.dormant.id)?.keys?.items[1]).toMatchObject({
        name: "old",
        dateExpire: key.date_expire,
      });
      expect(userIn(json, USERS.ciBot.id)?.keys).toStrictEqual({
        count: 1,
        expired: 0,
        nextExpiry: null,
        items: itemsOf(USERS.ciBot.id),
      });

      const table = await runReport(emulator, ["report", "--format", "table", "--keys"]);
      const lines = table.stdout.split("\n");
      const row = lines.findIndex((line) => line.startsWith(USERS.dormant.email));
      expect(tableCell(lines, row, "KEYS")).toStrictEqual(["2 (1 expired)"]);

      const out = path.join(dir, "keys.csv");
      expect((await runReport(emulator, ["report", "--keys", "--out", out])).code).toBe(0);
      const rows = parse<Record<string, string>>(await readFile(out, "utf8"), { columns: true });
      expect(rows.find((r) => r.id === USERS.dormant.id)).toMatchObject({
        keyCount: "2",
        expiredKeyCount: "1",
      });
      expect(rows.find((r) => r.id === USERS.bystander.id)).toMatchObject({ expiredKeyCount: "" });
    } finally {
      emulator.removeApiKey(USERS.dormant.id, key.id);
    }
  });
});

describe("allowlist drift without --allowlists", () => {
  it("says it was not checked, on stderr and in the document, and checks it with --allowlists", async () => {
    const state = await stateFileOf("allowlists.json", [
      accessResource("ci-bot", USERS.ciBot, { allowedIps: ["8.8.8.0/24"] }),
    ]);
    const args = ["report", "--format", "json", "--state", state, "--fail-on", "drift"];
    const unchecked = await runReport(emulator, args);
    const note =
      "allowlist drift was not checked: 1 resource of the given stacks declares allowedIps " +
      "(team/prod:ci-bot), but --allowlists was not given; add --allowlists to compare them " +
      "with the account";
    expect(unchecked.code).toBe(0);
    expect(unchecked.stderr).toBe(`vultr-api-access: note: ${note}\n`);
    expect(documentOf(unchecked).notes).toStrictEqual([note]);

    const checked = await runReport(emulator, [...args, "--allowlists"]);
    expect(checked.code).toBe(3);
    expect(checked.stderr).toBe("vultr-api-access: failing on drift (1 user)\n");
    expect(documentOf(checked).notes).toStrictEqual([]);
    expect(userIn(documentOf(checked), USERS.ciBot.id)?.findings).toStrictEqual(["drift"]);

    const table = await runReport(emulator, ["report", "--format", "table", "--state", state]);
    // Wrapped at 100 columns, continuation lines indented.
    expect(table.stdout.split("\n").filter((line) => line.length > 100)).toStrictEqual([]);
    expect(table.stdout.replace(/\n\s*/g, " ")).toContain(`note: ${note}`);
  });
});

describe("the table", () => {
  it("wraps long emails and MANAGED BY within their columns, naming the stack", async () => {
    const long = {
      id: "10000000-0000-4000-8000-0000000000aa",
      email: "deploy.pipeline.for.the.payments.service@build.example.com",
      name: "Long",
      api_enabled: true,
    };
    emulator.seedUsers([long]);
    try {
      const state = await stateFileOf("long.json", [
        ...STACK_EXPORT.deployment.resources,
        accessResource("payments-deploy-pipeline-a", long, {}),
        accessResource("payments-deploy-pipeline-b", long, {}),
      ]);
      const result = await runReport(emulator, ["report", "--format", "table", "--state", state]);
      expect(result.code).toBe(0);
      const lines = result.stdout.split("\n");
      expect(lines.filter((line) => line.length > 100)).toStrictEqual([]);
      expect(result.stdout).not.toContain("…");
      const row = lines.findIndex((line) => line.startsWith("deploy.pipeline."));
      expect(tableCell(lines, row, "USER").join("")).toBe(long.email);
      expect(tableCell(lines, row, "MANAGED BY").join("")).toBe(
        "team/prod:payments-deploy-pipeline-a,team/prod:payments-deploy-pipeline-b",
      );
      const ciBot = lines.findIndex((line) => line.startsWith(USERS.ciBot.email));
      expect(tableCell(lines, ciBot, "MANAGED BY")).toStrictEqual(["team/prod:ci-bot"]);
    } finally {
      emulator.deleteUser(long.id);
    }
  });
});
