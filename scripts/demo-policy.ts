/**
 * The second part of `npm run demo`: examples/exclusive (an ApiAccessPolicy next to the CI bot's
 * UserApiAccess) on the same emulated account, through preview, up, a user enabled in the console,
 * the preview that names it, the up that disables it, and destroy. The example is run as a project
 * of its own in the demo's temporary directory: a Pulumi.yaml whose `main` names the example's
 * file (a directory would make Node run the clone's package `main` instead), and a node_modules
 * link to the clone's, where the language host finds @pulumi/pulumi.
 */
import * as path from "node:path";
import type { EmulatedUser, RunningEmulator } from "../emulator";
import { ALICE, CI_BOT, DEPLOY, OPS_LEAD } from "./demo-account";
import { DemoStepFailed, say, step } from "./demo-narration";
import { writeDemoProject } from "./demo-project";
import type { LocalPulumi } from "./pulumi-cli";
import { PulumiStack } from "./pulumi-stack";

/** The example the second part runs, relative to the clone. */
const PROGRAM = path.join("examples", "exclusive", "index.ts");
/** The number of the second part's first step. */
const FIRST_STEP = 7;
/** examples/exclusive's default. */
const DEFAULT_MAX_DISABLED = 5;
/** Who keeps API access among the generated users, so that the output stays short. */
const KEPT = { violators: 2, admins: 1 };
const MANAGE_USERS = "manage_users";

interface PolicyAccountView {
  ciBot: boolean;
  deploy: boolean;
  opsLead: boolean;
  alice: boolean;
  /** Everyone else with API access and without `manage_users`: the policy's violators. */
  notAllowed: number;
  /** Everyone else with API access and `manage_users`: left alone (`includeAdmins` is false). */
  admins: number;
}

const VIEW_LABELS: Record<keyof PolicyAccountView, string> = {
  ciBot: `API access of ${CI_BOT.email}`,
  deploy: `API access of ${DEPLOY.email}`,
  opsLead: `API access of ${OPS_LEAD.email}`,
  alice: `API access of ${ALICE.email}`,
  notAllowed: "other users with API access, not allowed (violators)",
  admins: "other users with API access, holding manage_users",
};

export async function runPolicyDemo(
  root: string,
  emulator: RunningEmulator,
  pulumi: LocalPulumi,
): Promise<void> {
  const named = new Set<string>([CI_BOT.id, DEPLOY.id, OPS_LEAD.id, ALICE.id]);
  const isAdmin = (user: EmulatedUser) => user.acls.includes(MANAGE_USERS);
  const othersWithAccess = () =>
    emulator.listUsers().filter((user) => user.api_enabled && !named.has(user.id));
  const has = (id: string) => emulator.getUser(id)?.api_enabled === true;
  const account = (): PolicyAccountView => ({
    ciBot: has(CI_BOT.id),
    deploy: has(DEPLOY.id),
    opsLead: has(OPS_LEAD.id),
    alice: has(ALICE.id),
    notAllowed: othersWithAccess().filter((user) => !isAdmin(user)).length,
    admins: othersWithAccess().filter(isAdmin).length,
  });
  const showAccount = (expected: PolicyAccountView) => {
    const now = account();
    const access = (on: boolean) => (on ? "API access" : "no API access");
    say(
      `    In Vultr now: ${CI_BOT.email} has ${access(now.ciBot)}, ${DEPLOY.email} has ${access(now.deploy)} (allowed);`,
      `                  ${OPS_LEAD.email} has ${access(now.opsLead)} (exempt); ${ALICE.email} has ${access(now.alice)};`,
      `                  others with API access: ${now.notAllowed} not allowed (violators), ${now.admins} holding manage_users (left alone).`,
    );
    const wrong = (Object.keys(expected) as (keyof PolicyAccountView)[])
      .filter((field) => now[field] !== expected[field])
      .map(
        (field) =>
          `${VIEW_LABELS[field]}: expected ${String(expected[field])}, found ${String(now[field])}`,
      );
    if (wrong.length > 0) throw new DemoStepFailed(`in Vultr, ${wrong.join("; ")}`);
  };

  say(
    "",
    "Part two: only these users may use the API (ApiAccessPolicy, examples/exclusive/index.ts).",
  );
  const projectDir = await writeDemoProject(root, path.join(pulumi.rootDir, "exclusive"), {
    name: "vultr-api-access-policy-demo",
    description:
      "The second part of `npm run demo` (examples/exclusive), against the built-in emulator.",
    program: PROGRAM,
  });
  const stack = await PulumiStack.init(pulumi, { name: "policy", projectDir });
  await stack.setConfig("vultr:apiKey", emulator.ownerKey, { secret: true });
  await stack.setConfig("vultr:apiEndpoint", emulator.baseUrl);
  await stack.setConfig("ciBotEmail", CI_BOT.email);
  await stack.setConfig("deployEmail", DEPLOY.email);
  await stack.setConfig("opsLeadEmail", OPS_LEAD.email);

  // The bot is in use when the team adopts the policy; its UserApiAccess then changes nothing,
  // and neither does its `onDelete: "restore"` at destroy.
  emulator.setUser(CI_BOT.id, { api_enabled: true });
  const generated = othersWithAccess();
  const kept = new Set([
    ...generated.filter((user) => !isAdmin(user)).slice(0, KEPT.violators),
    ...generated.filter(isAdmin).slice(0, KEPT.admins),
  ]);
  const turnedOff = generated.filter((user) => !kept.has(user));
  for (const user of turnedOff) emulator.setUser(user.id, { api_enabled: false });
  const before = account();
  if (before.notAllowed > DEFAULT_MAX_DISABLED) {
    throw new DemoStepFailed(
      `the account has ${before.notAllowed} violators, more than maxDisabled (${DEFAULT_MAX_DISABLED})`,
    );
  }
  say(
    "Stack 'policy' of a second project, in the temporary directory: its Pulumi.yaml runs",
    `${PROGRAM}, on the same account. The CI bot (granted by its UserApiAccess) and`,
    `${DEPLOY.email} may use the API, ${OPS_LEAD.email} is exempt; anyone else with`,
    "API access is a violator, except admins (manage_users), whom the policy leaves alone.",
    "Set up first through the emulator's control plane, as in the console: the CI bot's API",
    `access is turned back on (it is in use) and, to keep the output short, that of ${turnedOff.length} of the`,
    `generated users is turned off: ${before.notAllowed} violators are left, within maxDisabled (${DEFAULT_MAX_DISABLED}, the default).`,
  );
  showAccount(before);
  const enforced = { ...before, notAllowed: 0 };

  step(
    FIRST_STEP,
    "pulumi preview",
    "The policy lists every user it would disable, and the admin it leaves alone. Nothing changes",
    "in Vultr yet.",
  );
  await stack.run(["preview"]);
  showAccount(before);

  step(
    FIRST_STEP + 1,
    "pulumi up",
    `Disables the ${before.notAllowed} violators (one PATCH each, an audit line each); the admin keeps`,
    "its access and is listed in skippedAdmins.",
  );
  await stack.run(["up", "--yes", "--skip-preview"]);
  showAccount(enforced);

  step(
    FIRST_STEP + 2,
    "a user enabled in the console",
    `Someone turns ${ALICE.email}'s API access on again.`,
  );
  emulator.setUser(ALICE.id, { api_enabled: true });
  showAccount({ ...enforced, alice: true });

  step(
    FIRST_STEP + 3,
    "pulumi preview --expect-no-changes",
    "Alice shows as a violator under the policy and in Diagnostics (no --refresh needed); the",
    "check exits non-zero.",
  );
  const check = await stack.attempt(["preview", "--expect-no-changes"]);
  if (check.code === 0) throw new DemoStepFailed("the preview did not report the new violator");
  say("", `    The check failed as it should (exit code ${check.code}).`);
  showAccount({ ...enforced, alice: true });

  step(FIRST_STEP + 4, "pulumi up", "Disables Alice again.");
  await stack.run(["up", "--yes", "--skip-preview"]);
  showAccount(enforced);

  step(
    FIRST_STEP + 5,
    "pulumi destroy",
    "Removing the policy writes nothing: nobody it disabled is re-enabled. The CI bot's",
    "UserApiAccess restores what the bot had when adopted (API access): nothing to write either.",
  );
  const requestsBefore = emulator.requestLog().length;
  await stack.run(["destroy", "--yes", "--skip-preview"]);
  const writes = emulator
    .requestLog()
    .slice(requestsBefore)
    .filter((request) => request.method !== "GET");
  say("", `    Requests that changed something in Vultr: ${writes.length}.`);
  if (writes.length > 0) {
    throw new DemoStepFailed(
      `destroy wrote to Vultr: ${writes.map((request) => request.route).join(", ")}`,
    );
  }
  showAccount(enforced);
}
