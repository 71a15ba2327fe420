/**
 * The emulator run as its command (`node dist/emulator/cli.js …`), as the demo and the CLI tests
 * run it: a separate process that can be killed in the middle of an `up` and started again on the
 * same port, and whose timers are real while a test fakes its own.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as net from "node:net";
import * as path from "node:path";
import type { EmulatedUser, FaultSpec, RequestLogEntry } from "../../emulator";
import { REPO_ROOT } from "./paths";

const CLI = path.join(REPO_ROOT, "dist", "emulator", "cli.js");

export interface EmulatorProcess {
  baseUrl: string;
  port: number;
  pid: number;
  /** What the process printed, stdout and stderr. */
  output(): string;
  addFault(fault: FaultSpec): Promise<void>;
  clearFaults(): Promise<void>;
  users(): Promise<EmulatedUser[]>;
  requests(): Promise<RequestLogEntry[]>;
  clearRequests(): Promise<void>;
  /** SIGKILL by default: the process dies mid-answer, as a crashed API would. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** A port that was free a moment ago, for an emulator that must come back on the same port. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no TCP port");
  return address.port;
}

export async function spawnEmulator(args: readonly string[]): Promise<EmulatorProcess> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env["PATH"] ?? "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const baseUrl = await firstLine(child, (text) => (output += text));
  const controlUrl = baseUrl.replace(/\/v2$/, "/_emulator");
  const control = async (method: string, route: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${controlUrl}${route}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`emulator control ${method} ${route}: ${text}`);
    return text === "" ? undefined : (JSON.parse(text) as unknown);
  };
  if (child.pid === undefined) throw new Error("the emulator process has no pid");
  return {
    baseUrl,
    port: Number(new URL(baseUrl).port),
    pid: child.pid,
    output: () => output,
    addFault: async (fault) => void (await control("POST", "/faults", fault)),
    clearFaults: async () => void (await control("DELETE", "/faults")),
    users: async () => ((await control("GET", "/users")) as { users: EmulatedUser[] }).users,
    requests: async () =>
      ((await control("GET", "/requests")) as { requests: RequestLogEntry[] }).requests,
    clearRequests: async () => void (await control("DELETE", "/requests")),
    async kill(signal = "SIGKILL") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

function firstLine(child: ChildProcess, onOutput: (text: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    let pending = "";
    child.stderr?.setEncoding("utf8").on("data", onOutput);
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      onOutput(chunk);
      pending += chunk;
      const newline = pending.indexOf("\n");
      if (newline !== -1) resolve(pending.slice(0, newline).trim());
    });
    child.once("exit", (code) => reject(new Error(`the emulator exited (${code}) before its URL`)));
  });
}
