/**
 * The third part of `npm run demo`: examples/key-rotation (the CI bot's UserApiKey) on the same
 * emulated account: a key made; the emulator's clock moved 80 days; the preview that says the
 * rotation is due; the up that rotates while the previous key still works; the next rotation,
 * which retires it; destroy, which deletes only the keys it made. Run as a project of its own,
 * like the second part (see scripts/demo-policy.ts).
 */
import * as path from "node:path";
import type { EmulatedApiKey, RunningEmulator } from "../emulator";
import { CI_BOT } from "./demo-account";
import { DemoStepFailed, say, step } from "./demo-narration";
import { writeDemoProject } from "./demo-project";
import type { LocalPulumi } from "./pulumi-cli";
import { PulumiStack } from "./pulumi-stack";

const PROGRAM = path.join("examples", "key-rotation", "index.ts");
const FIRST_STEP = 13;
const DAY_S = 86_400;

export async function runKeysDemo(
  root: string,
  emulator: RunningEmulator,
  pulumi: LocalPulumi,
): Promise<void> {
  const ciBotId = emulator.listUsers().find((user) => user.email === CI_BOT.email)?.id ?? "";
  const ciKeys = () => emulator.listApiKeys(ciBotId).filter((key) => key.name === "ci");
  const works = async (key: EmulatedApiKey): Promise<boolean> => {
    const answer = await fetch(`${emulator.baseUrl}/users/${ciBotId}/apikeys`, {
      headers: { authorization: `Bearer ${key.api_key}` },
    });
    return answer.status !== 401;
  };
  const showKeys = async (expected: number) => {
    const keys = ciKeys();
    const now = new Date(emulator.now()).toISOString().slice(0, 10);
    const lines = await Promise.all(
      keys.map(
        async (key) =>
          `…${key.api_key.slice(-5)} expires ${key.date_expire.slice(0, 10)}: ${(await works(key)) ? "works" : "refused"}`,
      ),
    );
    say(
      `    In Vultr now (${now} by the emulator's clock): ${keys.length} key(s) named ci of ${CI_BOT.email}:`,
      ...lines.map((line) => `      ${line}`),
    );
    if (keys.length !== expected) {
      throw new DemoStepFailed(`expected ${expected} key(s) named ci, found ${keys.length}`);
    }
  };

  say("", "Part three: keys as code (UserApiKey, examples/key-rotation/index.ts).");
  const projectDir = await writeDemoProject(root, path.join(pulumi.rootDir, "key-rotation"), {
    name: "vultr-key-rotation-demo",
    description:
      "The third part of `npm run demo` (examples/key-rotation), against the built-in emulator.",
    program: PROGRAM,
  });
  const stack = await PulumiStack.init(pulumi, { name: "keys", projectDir });
  await stack.setConfig("vultr:apiKey", emulator.ownerKey, { secret: true });
  await stack.setConfig("vultr:apiEndpoint", emulator.baseUrl);
  await stack.setConfig("ciBotEmail", CI_BOT.email);

  step(
    FIRST_STEP,
    "pulumi up",
    "Makes the CI bot's key: 90 days, rotated 14 days before it expires. The clear key is the",
    "stack output ciApiKey, a secret (encrypted in the state).",
  );
  await stack.run(["up", "--yes", "--skip-preview"]);
  await showKeys(1);

  step(FIRST_STEP + 1, "80 days later", "The emulator's clock moves 80 days on.");
  emulator.setClockOffset(80 * DAY_S);
  await showKeys(1);

  step(
    FIRST_STEP + 2,
    "pulumi preview",
    "Judged by Vultr's clock (the Date header), the key expires within 14 days: rotation due.",
  );
  // Captured to check the message, then shown.
  const preview = await stack.run(["preview"], { show: false });
  say(preview.stdout);
  if (!preview.stdout.includes("rotation due: key ci of")) {
    throw new DemoStepFailed("the preview did not say the rotation is due");
  }

  step(
    FIRST_STEP + 3,
    "pulumi up",
    "Makes the new key first; the replaced key stays valid until the next rotation.",
  );
  await stack.run(["up", "--yes", "--skip-preview"]);
  await showKeys(2);

  step(
    FIRST_STEP + 4,
    "80 days later, pulumi up",
    "The next rotation: a new key, and the first key (expired by now) is deleted.",
  );
  emulator.setClockOffset(160 * DAY_S);
  await stack.run(["up", "--yes", "--skip-preview"]);
  await showKeys(2);

  step(FIRST_STEP + 5, "pulumi destroy", "Deletes the keys it made, and only those.");
  await stack.run(["destroy", "--yes", "--skip-preview"]);
  await showKeys(0);
  say(`    The bot's own keys are untouched: ${emulator.listApiKeys(ciBotId).length} left.`);
  emulator.setClockOffset(0);
}
