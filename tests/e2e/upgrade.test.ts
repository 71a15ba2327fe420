/**
 * End to end: a stack deployed with the previous release, then upgraded to this tree, previews
 * with no changes (issue 17: type tokens, inputs, outputs and stored state do not change). The
 * previous release is built from git, the current tree is packed as the other suites pack it,
 * and both go through the real pulumi CLI (file:// backend, passphrase secrets) against the
 * emulator, in one project whose node_modules is upgraded in place as a user upgrades.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { startEmulator, type RunningEmulator, type SeedUser } from "../../emulator";
import { findProjectRoot } from "../../scripts/project-root";
import { LocalPulumi } from "../../scripts/pulumi-cli";
import { PulumiStack } from "../../scripts/pulumi-stack";
import { describeWithPulumiCli } from "../support/pulumi-cli-gate";
import { installedIntegrity, integrityOf, packCommit } from "./release-package";
import { packFromSources, ScratchProject } from "./scratch-project";
import { ACCESS_TYPE, stackState, type StateResource } from "./stack-state";

jest.setTimeout(5 * 60_000);

/**
 * The last release before the provider restructure of issue 17 (main at 0ccfdac). Bump it when
 * a later release changes what a stack stores, so the suite upgrades from the state users have.
 */
const PREVIOUS_RELEASE = "0ccfdac7c7093399885c1830cfdad893ef8bafe2";

const PROJECT_ROOT = findProjectRoot(__dirname);
const POLICY_TYPE = "pulumi-nodejs:dynamic/vultr:ApiAccessPolicy";
const RANGE = "45.76.0.0/16";
const RANGE_V6 = "2001:19f0:5000::/40";
const ANY = ["0.0.0.0/0", "::/0"];

const user = (id: string, name: string, apiEnabled: boolean): SeedUser => ({
  id: `${id}-5b8f-4e54-8b7a-8a2e3d4f1b7c`,
  email: `${name}@example.com`,
  name,
  api_enabled: apiEnabled,
});
const CI = user("11111111", "ci", false);
const ALICE = user("22222222", "alice", true);
const NET = user("33333333", "net", true);
const DANA = user("44444444", "dana", false);
const OPS = user("55555555", "ops", true);
const CAROL = user("66666666", "carol", true);
const USERS = [CI, ALICE, NET, DANA, OPS, CAROL];

// By email and by id, on and off, one managing its allowlist; the policy allows the CI bot and
// net, exempts ops, and disables carol (alice is declared off, so the policy does not count her).
const PROGRAM = `
import { ApiAccessPolicy, UserApiAccess } from "pulumi-vultr-user-access";

const ciBot = new UserApiAccess("ci-bot", { email: "${CI.email}", apiEnabled: true });
new UserApiAccess("alice", { userId: "${ALICE.id}", apiEnabled: false });
new UserApiAccess("net", { userId: "${NET.id}", apiEnabled: true, allowedIps: ["${RANGE}", "${RANGE_V6}"] });
new UserApiAccess("dana", { email: "${DANA.email}", apiEnabled: false, onDelete: "retain" });
const policy = new ApiAccessPolicy("api-access", {
  allowed: [ciBot.userId, "${NET.email}"],
  exempt: ["${OPS.email}"],
  maxDisabled: 2,
});
export const disabled = policy.disabled;
`;

describeWithPulumiCli("a stack deployed with the previous release, upgraded", (cli) => {
  let workDir: string;
  let newTarball: string;
  let emulator: RunningEmulator;
  let pulumi: LocalPulumi;
  let scratch: ScratchProject;
  let stack: PulumiStack;
  /** The stack's resources as the previous release's `up` left them. */
  let deployed: StateResource[];

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), "pulumi-vultr-upgrade-"));
    // The previous release is installed while the current tree compiles.
    const installPreviousRelease = async () => {
      const tarball = await packCommit(
        PROJECT_ROOT,
        PREVIOUS_RELEASE,
        path.join(workDir, "release"),
      );
      scratch = await ScratchProject.installTarball(() => Promise.resolve(tarball));
      expect(await installedIntegrity(scratch.dir)).toBe(await integrityOf(tarball));
    };
    [, newTarball] = await Promise.all([
      installPreviousRelease(),
      packFromSources(PROJECT_ROOT, path.join(workDir, "current")),
    ]);
    emulator = await startEmulator({ users: USERS });
    pulumi = await LocalPulumi.create(cli());
    const projectDir = await scratch.writeProgram("upgrade", PROGRAM);
    stack = await PulumiStack.init(pulumi, { name: "e2e", projectDir });
    await stack.setConfig("vultr:apiKey", emulator.ownerKey, { secret: true });
    await stack.setConfig("vultr:apiEndpoint", emulator.baseUrl);
  }, 10 * 60_000);

  afterAll(async () => {
    await emulator?.close();
    await pulumi?.dispose();
    await scratch?.dispose();
    if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
  });

  const live = () => USERS.map((u) => emulator.getUser(u.id!)?.api_enabled);
  const allowlistOf = (u: SeedUser) =>
    emulator
      .getAllowlist(u.id!)
      .map((entry) => `${entry.subnet}/${entry.subnet_size}`)
      .sort();
  /** Every request but a GET since the request log was last cleared. */
  const writes = () =>
    emulator
      .requestLog()
      .filter((r) => r.method !== "GET")
      .map((r) => `${r.method} ${r.path}`);
  const resources = async () => stackState(await stack.exportState()).resources;
  /**
   * The stack's UserApiAccess and ApiAccessPolicy resources, as much of them as the provider
   * decides (not the engine's bookkeeping: `modified`, `propertyDependencies`).
   */
  const ours = (all: StateResource[]) =>
    all
      .filter((r) => r.type === ACCESS_TYPE || r.type === POLICY_TYPE)
      .map(({ urn, type, id, inputs, outputs }) => ({ urn, type, id, inputs, outputs }));

  it("deploys with the previous release", async () => {
    await stack.run(["up", "--yes"]);

    expect(live()).toStrictEqual([true, false, true, false, true, false]);
    expect(allowlistOf(NET)).toStrictEqual([RANGE, RANGE_V6].sort());
    deployed = await resources();
    expect(deployed.map((r) => r.urn.split("::").at(-1)).sort()).toStrictEqual(
      ["alice", "api-access", "ci-bot", "dana", "default", "net", "upgrade-e2e"].sort(),
    );
    expect(ours(deployed)).toHaveLength(5);
  });

  it("after the upgrade, previews no changes and writes nothing", async () => {
    await scratch.upgrade(newTarball);
    expect(await installedIntegrity(scratch.dir)).toBe(await integrityOf(newTarball));
    emulator.clearRequestLog();

    await stack.run(["preview", "--expect-no-changes"]);

    expect(writes()).toStrictEqual([]);
    expect(emulator.requestLog().length).toBeGreaterThan(0);
  });

  it("refreshes with no changes, keeping what the previous release stored", async () => {
    emulator.clearRequestLog();

    await stack.run(["refresh", "--yes", "--expect-no-changes"]);

    expect(writes()).toStrictEqual([]);
    // The policy's read lists the violators the account has now: carol, disabled by the up, is
    // none any more. Everything else is stored as the previous release stored it.
    const expected = ours(deployed).map((r) =>
      r.type === POLICY_TYPE ? { ...r, outputs: { ...r.outputs, violators: [] } } : r,
    );
    expect(ours(await resources())).toStrictEqual(expected);
  });

  it("destroys, restoring every user's pre-Pulumi values (the policy re-enables nobody)", async () => {
    await stack.run(["destroy", "--yes"]);

    expect(live()).toStrictEqual([false, true, true, false, true, false]);
    expect(allowlistOf(NET)).toStrictEqual(ANY.sort());
    expect(await resources()).toStrictEqual([]);
  });
});
