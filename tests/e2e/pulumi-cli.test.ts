/**
 * End to end: UserApiAccess as its users run it. TypeScript programs with the packed package
 * installed, the real pulumi CLI and engine, a local file:// backend, the API key as a stack
 * secret, and the Vultr users emulator as the API.
 */
import { startEmulator, type RunningEmulator, type SeedUser } from "../../emulator";
import { ALICE, CI_BOT } from "../../scripts/demo-account";
import { findProjectRoot } from "../../scripts/project-root";
import { LocalPulumi } from "../../scripts/pulumi-cli";
import { PulumiStack } from "../../scripts/pulumi-stack";
import { filesContaining, filesUnder } from "./file-search";
import { describeWithPulumiCli } from "../support/pulumi-cli-gate";
import { ScratchProject } from "./scratch-project";
import { accessResources, outputsOf, stackState, type StackState } from "./stack-state";

jest.setTimeout(3 * 60_000);

const PROJECT_ROOT = findProjectRoot(__dirname);

// The account. Enough other users that the provider lists a realistic account, not just ours.
const BOB = { id: "75e7edec-ee6f-43b1-b736-d1461cd89931", email: "bob@example.com", name: "Bob Okafor", api_enabled: false } satisfies SeedUser; // prettier-ignore
const CAROL = { id: "d76b1c43-25d0-4802-9ffe-8a2d63082e5e", email: "carol@example.com", name: "Carol Tanaka", api_enabled: true } satisfies SeedUser; // prettier-ignore
const DAVE = { id: "8214ff09-5778-430e-86c5-97910350e707", email: "dave@example.com", name: "Dave Silva", api_enabled: false } satisfies SeedUser; // prettier-ignore
const OTHER_USERS = 40;

const TEAM_PROGRAM = `
import { UserApiAccess } from "pulumi-vultr-user-access";

// The CI bot deploys through the API; Alice works in the console only.
const ciBot = new UserApiAccess("ci-bot", { email: "${CI_BOT.email}", apiEnabled: true });
const alice = new UserApiAccess("alice", {
  userId: "${ALICE.id}",
  apiEnabled: false,
  onDelete: "disable",
});

export const ciBotUserId = ciBot.userId;
export const aliceApiEnabled = alice.apiEnabled;
`;

const OFFBOARDING_PROGRAM = `
import { UserApiAccess } from "pulumi-vultr-user-access";

new UserApiAccess("bob", { email: "${BOB.email}", apiEnabled: true }); // onDelete: "restore", the default
new UserApiAccess("carol", { email: "${CAROL.email}", apiEnabled: true, onDelete: "disable" });
new UserApiAccess("dave", { email: "${DAVE.email}", apiEnabled: true, onDelete: "retain" });
`;

/** The size bound of the serialized provider that Pulumi stores with every resource. */
const PROVIDER_TEXT_LIMIT_BYTES = 8 * 1024;

describeWithPulumiCli("UserApiAccess with the pulumi CLI", (cli) => {
  let emulator: RunningEmulator;
  let pulumi: LocalPulumi;
  let scratch: ScratchProject;

  beforeAll(async () => {
    emulator = await startEmulator({ users: [CI_BOT, ALICE, BOB, CAROL, DAVE] });
    emulator.seedUsers(OTHER_USERS, 7);
    pulumi = await LocalPulumi.create(cli(), { verboseLogs: true });
    scratch = await ScratchProject.install(PROJECT_ROOT);
  }, 10 * 60_000);

  afterAll(async () => {
    await emulator?.close();
    await pulumi?.dispose();
    await scratch?.dispose();
  });

  /** A program in its own project and stack, configured the way the README tells users to. */
  async function newStack(project: string, program: string): Promise<PulumiStack> {
    const projectDir = await scratch.writeProgram(project, program);
    const stack = await PulumiStack.init(pulumi, { name: "e2e", projectDir });
    await stack.setConfig("vultr:apiKey", emulator.ownerKey, { secret: true });
    await stack.setConfig("vultr:apiEndpoint", emulator.baseUrl);
    return stack;
  }

  const apiEnabledInVultr = (user: { id: string }) => emulator.getUser(user.id)?.api_enabled;

  /** The PATCHes Vultr received since the request log was last cleared, in a stable order. */
  function patchesReceived(): string[] {
    return emulator
      .requestLog()
      .filter((request) => request.method === "PATCH")
      .map((request) => `PATCH ${request.path} ${JSON.stringify(request.body)}`)
      .sort();
  }

  const patchOf = (user: { id: string }, apiEnabled: boolean) =>
    `PATCH /users/${user.id} ${JSON.stringify({ api_enabled: apiEnabled })}`;

  async function state(stack: PulumiStack): Promise<StackState> {
    return stackState(await stack.exportState());
  }

  /** Pulumi stores the serialized provider with every resource: it must stay small and plain. */
  function expectThinSerializedProviders(current: StackState): void {
    const stored = [...accessResources(current)].flatMap(([name, resource]) =>
      [resource.inputs, resource.outputs].map((props) => ({ name, text: props?.["__provider"] })),
    );
    expect(stored.length).toBeGreaterThan(0);
    // Plain text, not a secret: the shim captures nothing secret.
    expect(stored.filter(({ text }) => typeof text !== "string")).toStrictEqual([]);
    const oversized = stored
      .map(({ name, text }) => ({ name, bytes: Buffer.byteLength(String(text)) }))
      .filter(({ bytes }) => bytes > PROVIDER_TEXT_LIMIT_BYTES);
    expect(oversized).toStrictEqual([]);
  }

  describe("a program declaring who may use the API", () => {
    let team: PulumiStack;

    beforeAll(async () => {
      team = await newStack("team-access", TEAM_PROGRAM);
      emulator.clearRequestLog();
    });

    it("applies the declaration on the first up: the CI bot gains API access, Alice loses it", async () => {
      await team.run(["up", "--yes"]);

      expect(apiEnabledInVultr(CI_BOT)).toBe(true);
      expect(apiEnabledInVultr(ALICE)).toBe(false);
      expect(patchesReceived()).toStrictEqual(
        [patchOf(CI_BOT, true), patchOf(ALICE, false)].sort(),
      );
      const current = await state(team);
      expect(outputsOf(current, "ci-bot")).toMatchObject({
        userId: CI_BOT.id,
        email: CI_BOT.email,
        name: CI_BOT.name,
        apiEnabled: true,
        initialApiEnabled: false,
        acls: ["provisioning", "subscriptions_view"],
        onDelete: "restore",
      });
      expect(outputsOf(current, "alice")).toMatchObject({
        userId: ALICE.id,
        apiEnabled: false,
        initialApiEnabled: true,
        onDelete: "disable",
      });
    });

    it("stores a small serialized provider, as plain text, with every resource", async () => {
      expectThinSerializedProviders(await state(team));
    });

    it("changes nothing on a second up, and only reads within the request budget", async () => {
      emulator.clearRequestLog();

      await team.run(["up", "--yes", "--expect-no-changes"]);

      const requests = emulator.requestLog();
      expect(requests.filter((request) => request.method !== "GET")).toStrictEqual([]);
      // The budget per engine phase (up previews, then updates) is min(k, ⌈T/500⌉) + 1 reads:
      // 2 here, with k = 2 resources and T = 45 users.
      expect(requests.length).toBeLessThanOrEqual(2 * 2);
    });

    it("fails `preview --expect-no-changes` on drift, naming the user, the live and the declared value", async () => {
      emulator.setUser(ALICE.id, { api_enabled: true }); // someone re-enabled Alice in the console
      emulator.clearRequestLog();

      const preview = await team.attempt(["preview", "--expect-no-changes"]);

      expect(preview.code).not.toBe(0);
      const report = `${preview.stdout}${preview.stderr}`
        .split("\n")
        .find((line) => line.includes(ALICE.id));
      expect(report).toMatch(/api_enabled is true in Vultr, declared false/);
      expect(patchesReceived()).toStrictEqual([]);
      expect(apiEnabledInVultr(ALICE)).toBe(true);
    });

    it("records the live value in the state on refresh, without changing Vultr", async () => {
      emulator.clearRequestLog();

      await team.run(["refresh", "--yes"]);

      expect(outputsOf(await state(team), "alice")).toMatchObject({
        apiEnabled: true,
        initialApiEnabled: true,
      });
      expect(patchesReceived()).toStrictEqual([]);
    });

    it("repairs the drift on the next up with a single PATCH", async () => {
      emulator.clearRequestLog();

      await team.run(["up", "--yes"]);

      expect(apiEnabledInVultr(ALICE)).toBe(false);
      expect(patchesReceived()).toStrictEqual([patchOf(ALICE, false)]);
      expect(outputsOf(await state(team), "alice")).toMatchObject({ apiEnabled: false });
      await team.run(["preview", "--expect-no-changes"]);
    });

    it("drops a user deleted in Vultr from the state on refresh", async () => {
      expect(emulator.deleteUser(ALICE.id)).toBe(true);

      await team.run(["refresh", "--yes"]);

      expect([...accessResources(await state(team)).keys()]).toStrictEqual(["ci-bot"]);
    });

    it("fails the next up with a message that the user no longer exists, leaving the state consistent", async () => {
      emulator.clearRequestLog();

      const up = await team.attempt(["up", "--yes"]);

      expect(up.code).not.toBe(0);
      expect(`${up.stdout}${up.stderr}`).toContain(
        `Vultr user ${ALICE.id} does not exist in this account`,
      );
      expect(patchesReceived()).toStrictEqual([]);
      const current = await state(team);
      expect(current.pendingOperations).toStrictEqual([]);
      expect([...accessResources(current).keys()]).toStrictEqual(["ci-bot"]);
      expect(outputsOf(current, "ci-bot")).toMatchObject({ userId: CI_BOT.id, apiEnabled: true });
      const urns = current.resources.map((resource) => resource.urn);
      expect(new Set(urns).size).toBe(urns.length);
    });
  });

  describe("destroy, with one user for each onDelete policy", () => {
    let offboarding: PulumiStack;

    beforeAll(async () => {
      offboarding = await newStack("offboarding", OFFBOARDING_PROGRAM);
      await offboarding.run(["up", "--yes"]);
      expectThinSerializedProviders(await state(offboarding));
    });

    it("restores, disables or retains each user's API access, as its onDelete says", async () => {
      expect([BOB, CAROL, DAVE].map(apiEnabledInVultr)).toStrictEqual([true, true, true]);
      emulator.clearRequestLog();

      await offboarding.run(["destroy", "--yes"]);

      expect({
        bob: apiEnabledInVultr(BOB), // restore: back to what Bob had before
        carol: apiEnabledInVultr(CAROL), // disable
        dave: apiEnabledInVultr(DAVE), // retain
      }).toStrictEqual({ bob: false, carol: false, dave: true });
      expect(patchesReceived()).toStrictEqual([patchOf(BOB, false), patchOf(CAROL, false)].sort());
      expect(accessResources(await state(offboarding)).size).toBe(0);
    });
  });

  describe("the API key", () => {
    it("appears in no state file, no CLI output, and no engine or plugin log", async () => {
      const key = emulator.ownerKey;
      const logs = await filesUnder(pulumi.tempDir);
      // The scan means something only if there was something to scan.
      expect(logs.some((file) => /pulumi\..*\.log\./.test(file))).toBe(true);
      expect((await filesUnder(pulumi.backendDir)).some((file) => file.endsWith(".json"))).toBe(
        true,
      );

      const filesWithKey = await filesContaining(
        [pulumi.backendDir, pulumi.homeDir, pulumi.tempDir, scratch.dir],
        key,
      );
      const outputsWithKey = pulumi.history
        .filter((result) => `${result.stdout}${result.stderr}`.includes(key))
        .map((result) => result.command);

      expect(filesWithKey).toStrictEqual([]);
      expect(outputsWithKey).toStrictEqual([]);
    });
  });
});
