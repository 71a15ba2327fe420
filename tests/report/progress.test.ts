/**
 * Progress goes to stderr only when stderr is a terminal, and never into the report stream.
 * runCommand is called in-process with streams that say whether they are terminals.
 */
import { Writable } from "node:stream";
import type { RunningEmulator } from "../../emulator";
import { runCommand, type CommandIo } from "../../report/cli";
import { startReportAccount } from "./account";

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startReportAccount();
});

afterAll(async () => {
  await emulator?.close();
});

class Captured extends Writable {
  text = "";
  constructor(readonly isTTY: boolean) {
    super();
  }
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function run(stderrIsTerminal: boolean) {
  const stdout = new Captured(false);
  const stderr = new Captured(stderrIsTerminal);
  const io: CommandIo = {
    stdout,
    stderr,
    env: {
      VULTR_API_KEY: emulator.ownerKey,
      VULTR_API_ENDPOINT: emulator.baseUrl,
      VULTR_MAX_RPS: "1000",
    },
    now: () => new Date(),
  };
  const code = await runCommand(["report", "--allowlists", "--keys"], io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

it("shows `reading allowlists: n/N` and `reading keys: n/N` on a terminal's stderr", async () => {
  const apiUsers = emulator.listUsers().filter((user) => user.api_enabled).length;
  const result = await run(true);
  expect(result.code).toBe(0);
  expect(result.stderr).toContain(`reading allowlists: 1/${apiUsers}`);
  expect(result.stderr).toContain(`reading allowlists: ${apiUsers}/${apiUsers}\n`);
  expect(result.stderr).toContain(`reading keys: ${apiUsers}/${apiUsers}\n`);
  expect(result.stdout).not.toContain("reading");
  expect(JSON.parse(result.stdout)).toHaveProperty("users");
});

it("writes no progress when stderr is not a terminal", async () => {
  const result = await run(false);
  expect(result).toMatchObject({ code: 0, stderr: "" });
});
