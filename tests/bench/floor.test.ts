/**
 * The benchmark's floor (bench/floor-provider.ts) through the real dynamic-provider host: it must
 * never reach the API (the emulator's request log stays empty through a whole fleet's life), and
 * the drift it is told about must make the engine run the same steps as ours would.
 *
 * Needs `npm run build`: the host directory links the built package.
 */
import type { EmulatedUser, RunningEmulator } from "../../emulator";
import { startEmulator } from "../../emulator";
import {
  SimulatedEngine,
  type DeclaredResource,
  type OperationOutcome,
  type StackState,
} from "../../bench/engine";
import {
  changedUsers,
  chooseDeclared,
  chooseDrifted,
  declareProgram,
  injectDrift,
  prepareHostDirectory,
  seedAccount,
  type HostDirectory,
} from "../../bench/fleet";
import { CHANGED_CONFIG_KEY, FloorUserApiAccessProvider } from "../../bench/floor-provider";
import { configure, hostEnvironment } from "../../bench/command";
import { serializeProvider, startProviderHost } from "../support/provider-host";

const k = 30;
const users = 60;

let emulator: RunningEmulator;
let hostDirectory: HostDirectory;
let program: DeclaredResource[];
let driftedUsers: EmulatedUser[];
let drifted: string[];
const state: StackState = new Map();

beforeAll(async () => {
  emulator = await startEmulator({ latencyMs: 0, rateLimitPerSecond: 30 });
  hostDirectory = await prepareHostDirectory();
  const declared = chooseDeclared(seedAccount(emulator, users), k);
  program = declareProgram(declared, await serializeProvider(new FloorUserApiAccessProvider()));
  driftedUsers = chooseDrifted(declared);
  drifted = driftedUsers.map((user) => user.id);
});

afterAll(async () => {
  await emulator?.close();
  await hostDirectory?.remove();
});

/** One command in its own host; answers what the engine saw and every request the API got. */
async function deploy(operation: (engine: SimulatedEngine) => Promise<OperationOutcome>) {
  emulator.clearRequestLog();
  const host = await startProviderHost({ cwd: hostDirectory.path, env: hostEnvironment() });
  try {
    await configure(host, emulator, {
      [CHANGED_CONFIG_KEY]: JSON.stringify(changedUsers(emulator, program)),
    });
    const outcome = await operation(new SimulatedEngine(host));
    return { outcome, requests: emulator.requestLog().map((e) => `${e.method} ${e.path}`) };
  } finally {
    await host.close();
  }
}

describe("the floor provider through a fleet's life (k = 30)", () => {
  it("adopts every resource without a request, with outputs shaped like ours", async () => {
    const up = await deploy((engine) => engine.up(program, state));

    expect(up.outcome.failures).toStrictEqual([]);
    expect(up.outcome.rpcs.Create).toBe(k);
    expect(up.requests).toStrictEqual([]);
    const first = state.values().next().value;
    expect(first?.outs).toMatchObject({
      userId: first?.id,
      apiEnabled: program[0]?.inputs["apiEnabled"],
      initialApiEnabled: program[0]?.inputs["apiEnabled"],
      onDelete: "restore",
      __fleetSize: k,
    });
  });

  it("previews no change without a request", async () => {
    const preview = await deploy((engine) => engine.preview(program, state));

    expect(preview.outcome.failures).toStrictEqual([]);
    expect(preview.outcome.rpcs.Diff).toBe(k);
    expect(preview.outcome.changes).toBe(0);
    expect(preview.requests).toStrictEqual([]);
  });

  it("plans and applies exactly the drift it is told about, without a request", async () => {
    injectDrift(emulator, driftedUsers);
    expect(changedUsers(emulator, program).sort()).toStrictEqual([...drifted].sort());

    const preview = await deploy((engine) => engine.preview(program, state));
    const up = await deploy((engine) => engine.up(program, state));

    expect(preview.outcome.changes).toBe(drifted.length);
    expect(preview.requests).toStrictEqual([]);
    expect(up.outcome.failures).toStrictEqual([]);
    expect(up.outcome.rpcs.Update).toBe(drifted.length);
    expect(up.requests).toStrictEqual([]);
  });

  it("refreshes and destroys without a request", async () => {
    const refresh = await deploy((engine) => engine.refresh(state));
    const destroy = await deploy((engine) => engine.destroy(state));

    expect(refresh.outcome.failures).toStrictEqual([]);
    expect(refresh.outcome.rpcs.Read).toBe(k);
    expect(refresh.outcome.changes).toBe(0);
    expect(refresh.requests).toStrictEqual([]);
    expect(destroy.outcome.failures).toStrictEqual([]);
    expect(destroy.outcome.rpcs.Delete).toBe(k);
    expect(destroy.requests).toStrictEqual([]);
    expect(state.size).toBe(0);
  });
});
