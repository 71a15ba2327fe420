import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";

const ROOT = join(__dirname, "..", "..");

/** The command as a user runs it, compiled on the fly (type-checking is tsc's job, not this test's). */
function startCli(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ["-r", "ts-node/register", "emulator/cli.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
  });
}

function firstLines(child: ChildProcessWithoutNullStreams, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    const reader = createInterface({ input: child.stdout });
    reader.on("line", (line) => {
      lines.push(line);
      if (lines.length === count) resolve(lines);
    });
    child.on("exit", (code) =>
      reject(new Error(`exited with ${String(code)} after ${lines.join("|")}`)),
    );
  });
}

function exited(child: ChildProcessWithoutNullStreams) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
}

async function collect(stream: NodeJS.ReadableStream): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += String(chunk);
  return text;
}

describe("vultr-users-emulator command", () => {
  it("prints the base URL first, serves the given key, and exits cleanly on SIGTERM", async () => {
    const child = startCli(["--port", "0", "--users", "250", "--key", "K", "--seed", "3"]);
    const stdout = collect(child.stdout);
    const [baseUrl = "", controlLine = ""] = await firstLines(child, 2);
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v2$/);
    expect(controlLine).toBe(`control: ${baseUrl.replace(/\/v2$/, "/_emulator")}`);

    const list = await fetch(`${baseUrl}/users?per_page=500`, {
      headers: { authorization: "Bearer K" },
    });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { meta: { total: number } }).meta.total).toBe(250);
    const wrong = await fetch(`${baseUrl}/users`, { headers: { authorization: "Bearer NOT-K" } });
    expect(wrong.status).toBe(401);

    const exit = exited(child);
    child.kill("SIGTERM");
    expect(await exit).toStrictEqual({ code: 0, signal: null });
    // A key the caller chose is never echoed.
    expect(await stdout).not.toMatch(/key: /);
  });

  it("shows a generated key, which works", async () => {
    const child = startCli(["--rps", "0"]);
    const [baseUrl = "", , keyLine = ""] = await firstLines(child, 3);
    const key = /^key: ([A-Z0-9]{36})$/.exec(keyLine)?.[1];
    expect(key).toBeDefined();
    const answer = await fetch(`${baseUrl}/users`, { headers: { authorization: `Bearer ${key}` } });
    expect(answer.status).toBe(200);
    const exit = exited(child);
    child.kill("SIGINT");
    expect((await exit).code).toBe(0);
  });

  it("refuses bad flags with the usage on stderr and exit code 2", async () => {
    const child = startCli(["--port", "nope"]);
    const [stderr, exit] = await Promise.all([collect(child.stderr), exited(child)]);
    expect(exit.code).toBe(2);
    expect(stderr).toMatch(/--port must be a whole number/);
    expect(stderr).toMatch(/Usage: vultr-users-emulator/);
  });
});
