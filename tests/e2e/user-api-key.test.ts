/**
 * End to end: UserApiKey as its users run it — the packed package in a TypeScript program next
 * to a UserApiAccess, the real pulumi CLI, a file:// backend, the emulator as the API. A key is
 * made; the emulator's clock moves 80 days; preview says rotation is due; up rotates and the
 * previous key still works. The clear keys appear in no CLI output and no file: in the state,
 * only encrypted.
 */
import { startEmulator, type RunningEmulator, type SeedUser } from "../../emulator";
import { findProjectRoot } from "../../scripts/project-root";
import { LocalPulumi } from "../../scripts/pulumi-cli";
import { PulumiStack } from "../../scripts/pulumi-stack";
import { describeWithPulumiCli } from "../support/pulumi-cli-gate";
import { filesContaining } from "./file-search";
import { ScratchProject } from "./scratch-project";

jest.setTimeout(4 * 60_000);

const PROJECT_ROOT = findProjectRoot(__dirname);
const KEY_TYPE = "pulumi-nodejs:dynamic/vultr:UserApiKey";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const DAY_S = 86_400;

const CI: SeedUser = {
  id: "77777777-4a7e-4d43-9a6f-7f1d2c3e0a6b",
  email: "ci@example.com",
  name: "ci",
  api_enabled: false,
};

const PROGRAM = `
import { UserApiAccess, UserApiKey } from "pulumi-vultr-user-access";

const bot = new UserApiAccess("ci-bot", { email: "${CI.email}", apiEnabled: true });
const key = new UserApiKey("ci-bot-key", { userId: bot.userId, name: "ci", lifetimeDays: 90 });
export const ciApiKey = key.apiKey;
export const ciKeyHint = key.keyHint;
`;

interface ExportedResource {
  type: string;
  outputs?: Record<string, unknown>;
}

describeWithPulumiCli("UserApiKey with the pulumi CLI", (cli) => {
  let emulator: RunningEmulator;
  let pulumi: LocalPulumi;
  let scratch: ScratchProject;
  let stack: PulumiStack;

  beforeAll(async () => {
    emulator = await startEmulator({ users: [CI] });
    pulumi = await LocalPulumi.create(cli());
    scratch = await ScratchProject.install(PROJECT_ROOT);
    const projectDir = await scratch.writeProgram("key-rotation", PROGRAM);
    stack = await PulumiStack.init(pulumi, { name: "e2e", projectDir });
    await stack.setConfig("vultr:apiKey", emulator.ownerKey, { secret: true });
    await stack.setConfig("vultr:apiEndpoint", emulator.baseUrl);
  }, 10 * 60_000);

  afterAll(async () => {
    await emulator?.close();
    await pulumi?.dispose();
    await scratch?.dispose();
  });

  const ciKeys = () => emulator.listApiKeys(CI.id!).filter((key) => key.name === "ci");
  async function keyOutputs(): Promise<Record<string, unknown>> {
    const exported = (await stack.exportState()) as {
      deployment: { resources: ExportedResource[] };
    };
    const found = exported.deployment.resources.find((r) => r.type === KEY_TYPE);
    return found?.outputs ?? {};
  }
  /** The status the emulator answers a request made with `key`: 401 when it does not work. */
  async function statusWith(key: string): Promise<number> {
    const answer = await fetch(`${emulator.baseUrl}/users/${CI.id}/apikeys`, {
      headers: { authorization: `Bearer ${key}` },
    });
    return answer.status;
  }

  const clear: string[] = [];

  it("up makes the key; the state holds it only as a secret", async () => {
    await stack.run(["up", "--yes"]);
    const [made] = ciKeys();
    expect(made).toBeDefined();
    clear.push(made!.api_key);
    const outs = await keyOutputs();
    expect(outs.keyId).toBe(made!.id);
    expect(Object.keys(outs.apiKey as object)).toContain(SECRET_SIG);
    expect(JSON.stringify(outs.apiKey)).toContain("ciphertext");
    expect(await statusWith(made!.api_key)).not.toBe(401);
  });

  it("80 days on (the emulator's clock), preview says rotation is due", async () => {
    emulator.setClockOffset(80 * DAY_S);
    const preview = await stack.run(["preview"]);
    expect(preview.stdout).toMatch(
      /rotation due: key ci of ci@example\.com \(77777777-[\w-]+\) \(…\w{5}\) expires \d{4}-\d\d-\d\d \(in 10 days\); up will make a new key/,
    );
    expect(ciKeys()).toHaveLength(1);
  });

  it("up rotates: a new key, and the previous one still works", async () => {
    const [old] = ciKeys();
    emulator.clearRequestLog();
    await stack.run(["up", "--yes"]);
    const routes = emulator.requestLog().map((entry) => entry.route);
    expect(routes.filter((r) => r === "POST /users/:id/apikeys")).toHaveLength(1);
    expect(routes.filter((r) => r === "DELETE /users/:id/apikeys/:apikey_id")).toHaveLength(0);
    const keys = ciKeys();
    expect(keys).toHaveLength(2);
    const fresh = keys.find((key) => key.id !== old!.id)!;
    clear.push(fresh.api_key);
    const outs = await keyOutputs();
    expect(outs.keyId).toBe(fresh.id);
    expect(outs.previousKeyId).toBe(old!.id);
    expect(Object.keys(outs.apiKey as object)).toContain(SECRET_SIG);
    expect(await statusWith(old!.api_key)).not.toBe(401);
    expect(await statusWith(fresh.api_key)).not.toBe(401);
    await stack.run(["preview", "--expect-no-changes"]);
  });

  it("no clear key in any CLI output, state file or log; destroy deletes only the keys it made", async () => {
    await stack.run(["destroy", "--yes"]);
    expect(ciKeys()).toHaveLength(0);
    expect(emulator.listApiKeys(CI.id!)).toHaveLength(1); // the user's own "default" key
    expect(clear).toHaveLength(2);
    for (const key of clear) {
      const files = await filesContaining(
        [pulumi.backendDir, pulumi.homeDir, pulumi.tempDir, scratch.dir],
        key,
      );
      const outputs = pulumi.history
        .filter((result) => `${result.stdout}${result.stderr}`.includes(key))
        .map((result) => result.command);
      expect({ files, outputs }).toStrictEqual({ files: [], outputs: [] });
    }
  });
});
