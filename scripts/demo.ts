/**
 * `npm run demo`: the root project (examples/basic) through preview, up, a change made behind
 * Pulumi's back, the preview that reveals it, the up that repairs it, and destroy; then
 * examples/exclusive, an ApiAccessPolicy, on the same account (scripts/demo-policy.ts), and
 * examples/key-rotation, a UserApiKey rotated as the emulator's clock moves
 * (scripts/demo-keys.ts) — with the real pulumi CLI, against the Vultr users emulator started in this process. Nothing to
 * configure: the CLI comes from scripts/ensure-pulumi.sh, state and settings live in a temp
 * directory that is removed at the end.
 */
import { lstatSync, realpathSync, symlinkSync } from "node:fs";
import * as path from "node:path";
import { startEmulator, type RunningEmulator } from "../emulator";
import { ALICE, CI_BOT, DEPLOY, OPS_LEAD } from "./demo-account";
import { DemoStepFailed, say, step } from "./demo-narration";
import { runKeysDemo } from "./demo-keys";
import { runPolicyDemo } from "./demo-policy";
import { findProjectRoot } from "./project-root";
import { ensurePulumiCli, LocalPulumi, PulumiInterrupted } from "./pulumi-cli";
import { PulumiStack } from "./pulumi-stack";

const PACKAGE_NAME = "pulumi-vultr-user-access";

/** Everyone else in the account, generated with a fixed seed. */
const OTHER_USERS = { count: 23, seed: 2024 };

async function main(): Promise<number> {
  const root = findProjectRoot(__dirname);
  say("Finding the pulumi CLI (the first run builds it from Go modules: several minutes)...");
  const lookup = ensurePulumiCli(root, "show");
  if (!lookup.found) {
    process.stderr.write(`demo: no pulumi CLI: ${lookup.reason}\n`);
    return 1;
  }
  linkPackageIntoNodeModules(root);

  const emulator = await startEmulator({ users: [CI_BOT, ALICE, DEPLOY, OPS_LEAD] });
  emulator.seedUsers(OTHER_USERS.count, OTHER_USERS.seed);
  const pulumi = await LocalPulumi.create(lookup.cli, { show: true });
  const stopOnSignal = () => {
    say("", "Interrupted: stopping pulumi, then cleaning up.");
    pulumi.interrupt();
  };
  process.once("SIGINT", stopOnSignal);
  process.once("SIGTERM", stopOnSignal);
  try {
    say(
      `Vultr users emulator: ${emulator.baseUrl} (${emulator.listUsers().length} users).`,
      `Pulumi state, settings and home: ${pulumi.rootDir} (removed at the end).`,
    );
    await runDemo(root, emulator, pulumi);
    await runPolicyDemo(root, emulator, pulumi);
    await runKeysDemo(root, emulator, pulumi);
    say(
      "",
      "Demo finished: every step did what it should. Removing the temporary stacks and state.",
    );
    return 0;
  } catch (error) {
    if (error instanceof PulumiInterrupted) return 130;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`\ndemo failed: ${message}\n`);
    return 1;
  } finally {
    process.off("SIGINT", stopOnSignal);
    process.off("SIGTERM", stopOnSignal);
    await emulator.close();
    await pulumi.dispose();
  }
}

async function runDemo(
  root: string,
  emulator: RunningEmulator,
  pulumi: LocalPulumi,
): Promise<void> {
  const ciBotId = emulator.listUsers().find((user) => user.email === CI_BOT.email)?.id ?? "";
  const account = (): AccountView => ({
    ciBot: emulator.getUser(ciBotId)?.api_enabled === true,
    ciBotAllowlist: allowlistOf(emulator, ciBotId),
    alice: emulator.getUser(ALICE.id)?.api_enabled === true,
  });
  const showAccount = (expected: AccountView) => {
    const now = account();
    const access = (on: boolean) => (on ? "API access" : "no API access");
    say(
      `    In Vultr now: ${CI_BOT.email} has ${access(now.ciBot)} (API allowlist ${now.ciBotAllowlist.join(", ")});`,
      `                  ${ALICE.email} has ${access(now.alice)}.`,
    );
    if (JSON.stringify(now) !== JSON.stringify(expected)) {
      throw new DemoStepFailed(
        `expected the CI bot ${access(expected.ciBot)} (API allowlist ${expected.ciBotAllowlist.join(", ")}) ` +
          `and Alice ${access(expected.alice)}`,
      );
    }
  };

  const stack = await PulumiStack.init(pulumi, {
    name: "demo",
    projectDir: root,
    configFile: path.join(pulumi.rootDir, "Pulumi.demo.yaml"),
  });
  await stack.setConfig("vultr:apiKey", emulator.ownerKey, { secret: true });
  await stack.setConfig("vultr:apiEndpoint", emulator.baseUrl);
  await stack.setConfig("ciBotEmail", CI_BOT.email);
  await stack.setConfig("aliceUserId", ALICE.id);
  say(
    "",
    "Part one: who may use the API (UserApiAccess, examples/basic/index.ts).",
    "Stack 'demo' of the root project (Pulumi.yaml, program examples/basic/index.ts): the CI bot",
    "must have API access from the CI networks only, Alice must have none. The API key is the",
    "stack secret vultr:apiKey.",
  );
  const before = { ciBot: false, ciBotAllowlist: ANY_ADDRESS, alice: true };
  const declared = { ciBot: true, ciBotAllowlist: CI_NETWORKS, alice: false };
  showAccount(before);

  step(
    1,
    "pulumi preview",
    "What `up` would do, on each resource: whose access changes. Nothing changes in Vultr yet.",
  );
  await stack.run(["preview"]);
  showAccount(before);

  step(
    2,
    "pulumi up",
    "Adopts both users and applies the declaration: one PATCH per user, and the CI bot's",
    "allowlist becomes the CI networks (added first, then the 'any' entries removed).",
  );
  await stack.run(["up", "--yes", "--skip-preview"]);
  showAccount(declared);

  step(
    3,
    "changes behind Pulumi's back",
    "Someone turns Alice's API access back on in the console, and adds 45.76.0.0/16 to the",
    "CI bot's API allowlist.",
  );
  emulator.setUser(ALICE.id, { api_enabled: true });
  emulator.setAllowlist(ciBotId, [...CI_NETWORKS, CONSOLE_RANGE].map(asEntryInput));
  showAccount({ ...declared, alice: true, ciBotAllowlist: [...CI_NETWORKS, CONSOLE_RANGE].sort() });

  step(
    4,
    "pulumi preview --expect-no-changes",
    "The drift check a pipeline runs: each drift shows on its resource (and under it in",
    "Diagnostics), naming the user, what Vultr holds and what is declared; it exits non-zero.",
  );
  const check = await stack.attempt(["preview", "--expect-no-changes"]);
  if (check.code === 0) throw new DemoStepFailed("the preview did not report the drift");
  say("", `    The check failed as it should (exit code ${check.code}).`);

  step(5, "pulumi up", "Puts the account back into the declared state.");
  await stack.run(["up", "--yes", "--skip-preview"]);
  showAccount(declared);

  step(
    6,
    "pulumi destroy",
    "Removing the resources applies their onDelete policy: the CI bot's access and allowlist are",
    "restored to what it had before Pulumi adopted it (no access, the 'any' entries); Alice's",
    'onDelete is "disable", so she stays off.',
  );
  await stack.run(["destroy", "--yes", "--skip-preview"]);
  say("");
  showAccount({ ...before, alice: false });
}

interface AccountView {
  ciBot: boolean;
  /** The CI bot's API allowlist, as CIDR texts, sorted. */
  ciBotAllowlist: string[];
  alice: boolean;
}

/** What examples/basic declares as the CI bot's allowlist, sorted as `allowlistOf` sorts. */
const CI_NETWORKS = ["2606:4700::/32", "8.8.8.0/24"];
/** The range someone adds in the console in step 3. */
const CONSOLE_RANGE = "45.76.0.0/16";
/** Vultr's default allowlist: any IPv4 and any IPv6 address. */
const ANY_ADDRESS = ["0.0.0.0/0", "::/0"];

function allowlistOf(emulator: RunningEmulator, userId: string): string[] {
  return emulator
    .getAllowlist(userId)
    .map((entry) => `${entry.subnet}/${entry.subnet_size}`)
    .sort();
}

function asEntryInput(cidr: string): { subnet: string; subnet_size: number } {
  const [subnet = "", size = ""] = cidr.split("/");
  return { subnet, subnet_size: Number(size) };
}

/**
 * examples/basic imports the package by name, as users do; in the clone that name must resolve
 * to the clone itself (type-checking finds it through tsconfig `paths`, Node does not).
 */
function linkPackageIntoNodeModules(root: string): void {
  const nodeModules = path.join(root, "node_modules");
  const link = path.join(nodeModules, PACKAGE_NAME);
  if (!exists(nodeModules)) {
    throw new Error(`${nodeModules} is missing: run \`npm install\` first`);
  }
  if (!exists(link)) {
    symlinkSync("..", link, "dir");
    say(`Linked node_modules/${PACKAGE_NAME} to this clone.`);
    return;
  }
  const target = realTarget(link);
  if (target !== realpathSync(root)) {
    throw new Error(
      `node_modules/${PACKAGE_NAME} is not this clone (it is ${target ?? "a broken link"}): ` +
        "remove it, and the demo links it again",
    );
  }
}

function realTarget(link: string): string | undefined {
  try {
    return realpathSync(link);
  } catch {
    return undefined;
  }
}

function exists(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `demo failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
