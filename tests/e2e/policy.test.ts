/**
 * End to end: ApiAccessPolicy as its users run it — the packed package in a TypeScript program
 * next to a UserApiAccess, the real pulumi CLI, a file:// backend, the emulator as the API.
 * Kept to the main flow and one guard: the CLI is slow.
 */
import { startEmulator, type RunningEmulator, type SeedUser } from "../../emulator";
import { findProjectRoot } from "../../scripts/project-root";
import { LocalPulumi } from "../../scripts/pulumi-cli";
import { PulumiStack } from "../../scripts/pulumi-stack";
import { describeWithPulumiCli } from "../support/pulumi-cli-gate";
import { ScratchProject } from "./scratch-project";
import { ACCESS_TYPE, stackState } from "./stack-state";

jest.setTimeout(3 * 60_000);

const PROJECT_ROOT = findProjectRoot(__dirname);
const POLICY_TYPE = "pulumi-nodejs:dynamic/vultr:ApiAccessPolicy";

const user = (id: string, name: string, apiEnabled: boolean): SeedUser => ({
  id: `${id}-4a7e-4d43-9a6f-7f1d2c3e0a6b`,
  email: `${name}@example.com`,
  name,
  api_enabled: apiEnabled,
});
const CI = user("11111111", "ci", false);
const DEPLOY = user("22222222", "deploy", true);
const OPS = user("33333333", "ops-lead", true);
const BOB = user("44444444", "bob", true);
const CAROL = user("55555555", "carol", false);
const DAVE = user("66666666", "dave", false);

const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import { ApiAccessPolicy, UserApiAccess } from "pulumi-vultr-user-access";

const config = new pulumi.Config();
const ciBot = new UserApiAccess("ci-bot", { email: "${CI.email}", apiEnabled: true });
const policy = new ApiAccessPolicy("api-access", {
  allowed: [ciBot.userId, "${DEPLOY.email}"],
  exempt: ["${OPS.email}"],
  maxDisabled: config.getNumber("maxDisabled") ?? 5,
});
export const disabled = policy.disabled;
`;

describeWithPulumiCli("ApiAccessPolicy with the pulumi CLI", (cli) => {
  let emulator: RunningEmulator;
  let pulumi: LocalPulumi;
  let scratch: ScratchProject;
  let stack: PulumiStack;

  beforeAll(async () => {
    emulator = await startEmulator({ users: [CI, DEPLOY, OPS, BOB, CAROL, DAVE] });
    pulumi = await LocalPulumi.create(cli());
    scratch = await ScratchProject.install(PROJECT_ROOT);
    const projectDir = await scratch.writeProgram("exclusive", PROGRAM);
    stack = await PulumiStack.init(pulumi, { name: "e2e", projectDir });
    await stack.setConfig("vultr:apiKey", emulator.ownerKey, { secret: true });
    await stack.setConfig("vultr:apiEndpoint", emulator.baseUrl);
  }, 10 * 60_000);

  afterAll(async () => {
    await emulator?.close();
    await pulumi?.dispose();
    await scratch?.dispose();
  });

  const apiEnabled = (u: SeedUser) => emulator.getUser(u.id!)?.api_enabled;
  const patches = () =>
    emulator
      .requestLog()
      .filter((r) => r.method === "PATCH")
      .map((r) => `${r.path} ${JSON.stringify(r.body)}`)
      .sort();

  it("previews every violator, then up grants the CI bot and disables the violator; nothing planned after", async () => {
    const preview = await stack.run(["preview"]);
    expect(preview.stdout).toContain(
      `would disable API access of bob@example.com (${BOB.id}): not allowed by the policy`,
    );
    expect(patches()).toStrictEqual([]);

    emulator.clearRequestLog();
    await stack.run(["up", "--yes"]);

    expect(patches()).toStrictEqual(
      [`/users/${BOB.id} {"api_enabled":false}`, `/users/${CI.id} {"api_enabled":true}`].sort(),
    );
    expect([apiEnabled(CI), apiEnabled(DEPLOY), apiEnabled(OPS), apiEnabled(BOB)]).toStrictEqual([
      true,
      true,
      true,
      false,
    ]);
    const policy = stackState(await stack.exportState()).resources.find(
      (r) => r.type === POLICY_TYPE,
    );
    expect(policy?.outputs).toMatchObject({
      disabled: [{ userId: BOB.id, email: BOB.email }],
      exemptUserIds: [OPS.id],
    });
    await stack.run(["preview", "--expect-no-changes"]);
  });

  it("fails `preview --expect-no-changes` on a user enabled in the console, naming the user", async () => {
    emulator.setUser(CAROL.id!, { api_enabled: true });
    const preview = await stack.attempt(["preview", "--expect-no-changes"]);
    expect(preview.code).not.toBe(0);
    expect(`${preview.stdout}${preview.stderr}`).toContain(
      `would disable API access of carol@example.com (${CAROL.id}): not allowed by the policy`,
    );
  });

  it("fails the up before any write when more users would be disabled than maxDisabled", async () => {
    emulator.setUser(DAVE.id!, { api_enabled: true });
    await stack.setConfig("maxDisabled", "1");
    emulator.clearRequestLog();

    const up = await stack.attempt(["up", "--yes"]);

    expect(up.code).not.toBe(0);
    const shown = `${up.stdout}${up.stderr}`;
    expect(shown).toContain("would disable API access of 2 users, more than maxDisabled (1)");
    expect(shown).toContain("set maxDisabled: 2");
    expect(patches()).toStrictEqual([]);
    expect([apiEnabled(CAROL), apiEnabled(DAVE)]).toStrictEqual([true, true]);
    expect(shown).not.toContain(emulator.ownerKey);
  });

  describe("next to UserApiAccess resources that turn users off", () => {
    // The program of issue 16: u1 and u2 declared off by UserApiAccess, the policy (declared
    // first) allows only u3 with maxDisabled 1; u4 is the policy's one violator.
    const U1 = user("77777777", "u1", true);
    const U2 = user("88888888", "u2", true);
    const U3 = user("99999999", "u3", true);
    const U4 = user("aaaaaaaa", "u4", true);
    const DECLARED_OFF = `
import { ApiAccessPolicy, UserApiAccess } from "pulumi-vultr-user-access";

const policy = new ApiAccessPolicy("api-access", { allowed: ["${U3.email}"], maxDisabled: 1 });
new UserApiAccess("u1", { email: "${U1.email}", apiEnabled: false });
new UserApiAccess("u2", { email: "${U2.email}", apiEnabled: false });
export const violators = policy.violators;
export const disabled = policy.disabled;
`;
    let account: RunningEmulator;
    let off: PulumiStack;

    beforeAll(async () => {
      account = await startEmulator({ users: [U1, U2, U3, U4] });
      const projectDir = await scratch.writeProgram("declared-off", DECLARED_OFF);
      off = await PulumiStack.init(pulumi, { name: "e2e", projectDir });
      await off.setConfig("vultr:apiKey", account.ownerKey, { secret: true });
      await off.setConfig("vultr:apiEndpoint", account.baseUrl);
    });
    afterAll(async () => {
      await account?.close();
    });

    const live = () => [U1, U2, U3, U4].map((u) => account.getUser(u.id!)?.api_enabled);
    const requests = () => account.requestLog().map((r) => `${r.method} ${r.path}`);
    const writes = () =>
      account
        .requestLog()
        .filter((r) => r.method === "PATCH")
        .map((r) => `${r.path} ${JSON.stringify(r.body)}`)
        .sort();
    const patchOf = (u: SeedUser, on: boolean) => `/users/${u.id} {"api_enabled":${on}}`;
    // Reads per engine pass: min(k, ⌈T/500⌉) + 1 with k = 2 UserApiAccess and T = 4 users.
    const READS_PER_PASS = 2;
    const reads = () => requests().filter((r) => r.startsWith("GET "));

    it("previews and ups: the policy counts and disables only its own violator", async () => {
      const preview = await off.run(["preview"]);
      expect(preview.stdout).toContain(
        `would disable API access of u4@example.com (${U4.id}): not allowed by the policy`,
      );
      for (const u of [U1, U2]) {
        expect(preview.stdout).not.toContain(`would disable API access of ${u.email}`);
      }
      expect(writes()).toStrictEqual([]);
      expect(reads().length).toBeLessThanOrEqual(READS_PER_PASS);

      account.clearRequestLog();
      const up = await off.run(["up", "--yes"]);
      expect(up.stdout).not.toContain("maxDisabled");
      expect(writes()).toStrictEqual(
        [patchOf(U1, false), patchOf(U2, false), patchOf(U4, false)].sort(),
      );
      expect(reads().length).toBeLessThanOrEqual(2 * READS_PER_PASS);
      expect(live()).toStrictEqual([false, false, true, false]);

      const resources = stackState(await off.exportState()).resources;
      const outputsOf = (type: string, name: string) =>
        resources.find((r) => r.type === type && r.urn.endsWith(`::${name}`))?.outputs;
      expect(outputsOf(POLICY_TYPE, "api-access")).toMatchObject({
        violators: [{ userId: U4.id, email: U4.email }],
        disabled: [{ userId: U4.id, email: U4.email }],
      });
      for (const name of ["u1", "u2"]) {
        expect(outputsOf(ACCESS_TYPE, name)).toMatchObject({ initialApiEnabled: true });
      }
      account.clearRequestLog();
      await off.run(["preview", "--expect-no-changes"]);
      expect(writes()).toStrictEqual([]);
    });

    it("destroy restores u1 and u2 to their pre-Pulumi values; the policy writes nothing", async () => {
      account.clearRequestLog();
      await off.run(["destroy", "--yes"]);
      expect(writes()).toStrictEqual([patchOf(U1, true), patchOf(U2, true)].sort());
      expect(reads().length).toBeLessThanOrEqual(READS_PER_PASS);
      expect(live()).toStrictEqual([true, true, true, false]);
    });
  });
});
