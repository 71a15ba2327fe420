/**
 * The request budget (DESIGN.md, "The directory") as tests: request counts through the real
 * dynamic-provider host, driven in the engine's order, never times. For k resources over T users
 * with c changes: preview, up without changes and refresh send at most min(k, ⌈T/500⌉) + 1
 * requests; up sends that plus exactly c PATCHes; destroy, that plus one PATCH per user whose
 * live value differs from its target.
 *
 * Needs `npm run build`: the serialized provider loads the built package, as it does in a stack.
 */
import type { EmulatedUser, RunningEmulator } from "../../emulator";
import { startEmulator } from "../../emulator";
import { providerShim } from "../../sdk/provider-shim";
import {
  SimulatedEngine,
  type DeclaredResource,
  type OperationOutcome,
  type StackState,
} from "../../bench/engine";
import {
  chooseDeclared,
  declareProgram,
  injectDrift,
  prepareHostDirectory,
  seedAccount,
  type HostDirectory,
} from "../../bench/fleet";
import { readBudget } from "../../bench/results";
import { configure, hostEnvironment } from "../../bench/command";
import { serializeProvider, startProviderHost } from "../support/provider-host";

interface Deployment {
  outcome: OperationOutcome;
  /** "GET /users", "GET /users/:id", "PATCH /users/:id" … in arrival order. */
  routes: string[];
  reads: number;
  /** PATCHed user ids with the value sent, sorted. */
  patches: string[];
  rateLimited: number;
}

let emulator: RunningEmulator;
let hostDirectory: HostDirectory;
let providerText: string;

beforeAll(async () => {
  // No latency; Vultr's 30/s limit, which the provider's pacing must never meet.
  emulator = await startEmulator({ latencyMs: 0, rateLimitPerSecond: 30 });
  hostDirectory = await prepareHostDirectory();
  providerText = await serializeProvider(providerShim);
});

afterAll(async () => {
  await emulator?.close();
  await hostDirectory?.remove();
});

/** One `pulumi` command: a fresh provider process, as the engine starts one per command. */
async function deploy(operation: (engine: SimulatedEngine) => Promise<OperationOutcome>) {
  const host = await startProviderHost({ cwd: hostDirectory.path, env: hostEnvironment() });
  try {
    await configure(host, emulator);
    emulator.clearRequestLog();
    const outcome = await operation(new SimulatedEngine(host));
    const log = emulator.requestLog();
    const deployment: Deployment = {
      outcome,
      routes: log.map((entry) => entry.route),
      reads: log.filter((entry) => entry.method === "GET").length,
      patches: log
        .filter((entry) => entry.method === "PATCH")
        .map((entry) => `${entry.path.slice("/users/".length)}=${JSON.stringify(entry.body)}`)
        .sort(),
      rateLimited: emulator.counters().rateLimited,
    };
    return deployment;
  } finally {
    await host.close();
  }
}

function patchesFor(users: readonly EmulatedUser[], apiEnabled: (user: EmulatedUser) => boolean) {
  return users
    .map((user) => `${user.id}=${JSON.stringify({ api_enabled: apiEnabled(user) })}`)
    .sort();
}

describe("a fleet of 30 resources in an account of 1,200 users (3 list pages)", () => {
  const k = 30;
  const users = 1200;
  const budget = readBudget(k, users);
  let declared: EmulatedUser[];
  let program: DeclaredResource[];
  const state: StackState = new Map();

  beforeAll(() => {
    declared = chooseDeclared(seedAccount(emulator, users), k);
    program = declareProgram(declared, providerText);
  });

  it("has a budget of min(k, ⌈T/500⌉) + 1 = 4 requests", () => {
    expect(budget).toBe(4);
  });

  it("adopts every user on the first up with reads only, within the budget", async () => {
    const up = await deploy((engine) => engine.up(program, state));

    expect(up.outcome.failures).toStrictEqual([]);
    expect(up.rateLimited).toBe(0);
    expect(up.outcome.rpcs.Create).toBe(k);
    expect(up.reads).toBeLessThanOrEqual(budget);
    expect(up.patches).toStrictEqual([]);
    expect(state.size).toBe(k);
  });

  it("previews without drift within the budget, planning no change", async () => {
    const preview = await deploy((engine) => engine.preview(program, state));

    expect(preview.outcome.failures).toStrictEqual([]);
    expect(preview.rateLimited).toBe(0);
    expect(preview.outcome.rpcs.Diff).toBe(k);
    expect(preview.outcome.changes).toBe(0);
    expect(preview.routes.length).toBeLessThanOrEqual(budget);
    expect(preview.routes.every((route) => route.startsWith("GET "))).toBe(true);
  });

  it("repairs drift on 3 users with the budget's reads plus exactly one PATCH each", async () => {
    const drifted = declared.filter((_, index) => index % 10 === 0);
    injectDrift(emulator, drifted);

    const up = await deploy((engine) => engine.up(program, state));

    expect(up.outcome.failures).toStrictEqual([]);
    expect(up.rateLimited).toBe(0);
    expect(up.outcome.rpcs.Update).toBe(3);
    expect(up.reads).toBeLessThanOrEqual(budget);
    expect(up.patches).toStrictEqual(patchesFor(drifted, (user) => user.api_enabled));
    for (const user of drifted)
      expect(emulator.getUser(user.id)?.api_enabled).toBe(user.api_enabled);
  });

  it("runs an up without changes within the budget and without a PATCH", async () => {
    const up = await deploy((engine) => engine.up(program, state));

    expect(up.outcome.failures).toStrictEqual([]);
    expect(up.rateLimited).toBe(0);
    expect(up.outcome.changes).toBe(0);
    expect(up.routes.length).toBeLessThanOrEqual(budget);
    expect(up.patches).toStrictEqual([]);
  });

  it("refreshes every resource within the budget, finding nothing changed", async () => {
    const refresh = await deploy((engine) => engine.refresh(state));

    expect(refresh.outcome.failures).toStrictEqual([]);
    expect(refresh.rateLimited).toBe(0);
    expect(refresh.outcome.rpcs.Read).toBe(k);
    expect(refresh.outcome.changes).toBe(0);
    expect(refresh.routes.length).toBeLessThanOrEqual(budget);
    expect(refresh.patches).toStrictEqual([]);
  });

  it("destroys with the budget's reads plus one PATCH per user moved off its initial value", async () => {
    const moved = declared.filter((_, index) => index % 15 === 7);
    injectDrift(emulator, moved);

    const destroy = await deploy((engine) => engine.destroy(state));

    expect(destroy.outcome.failures).toStrictEqual([]);
    expect(destroy.rateLimited).toBe(0);
    expect(destroy.outcome.rpcs.Delete).toBe(k);
    expect(destroy.reads).toBeLessThanOrEqual(budget);
    // onDelete "restore": back to the value found at adoption.
    expect(destroy.patches).toStrictEqual(patchesFor(moved, (user) => user.api_enabled));
    expect(state.size).toBe(0);
  });
});

describe("a fleet of 2 resources in an account of 5,000 users (10 list pages)", () => {
  const k = 2;
  const users = 5000;
  const budget = readBudget(k, users);
  let program: DeclaredResource[];
  const state: StackState = new Map();

  beforeAll(() => {
    program = declareProgram(chooseDeclared(seedAccount(emulator, users), k), providerText);
  });

  it("reads single users instead of the whole list: at most min(k, ⌈T/500⌉) + 1 = 3", async () => {
    expect(budget).toBe(3);

    const up = await deploy((engine) => engine.up(program, state));
    const preview = await deploy((engine) => engine.preview(program, state));
    // Refresh and destroy run no check: the fleet size must come from the stored outputs.
    const refresh = await deploy((engine) => engine.refresh(state));
    const destroy = await deploy((engine) => engine.destroy(state));

    for (const command of [up, preview, refresh, destroy]) {
      expect(command.outcome.failures).toStrictEqual([]);
      expect(command.routes.length).toBeLessThanOrEqual(budget);
    }
    expect(state.size).toBe(0);
  });
});
