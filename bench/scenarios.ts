/**
 * One fleet's life, played through the real provider host: first up, preview, preview and up
 * after drift, refresh, destroy. Each scenario is its own provider process, as each `pulumi`
 * command is.
 */
import type { RunningEmulator } from "../emulator";
import { measureCommand, type Operation } from "./command";
import {
  SimulatedEngine,
  type DeclaredResource,
  type OperationOutcome,
  type StackState,
} from "./engine";
import { CHANGED_CONFIG_KEY } from "./floor-provider";
import {
  changedUsers,
  chooseDeclared,
  chooseDrifted,
  declareProgram,
  injectDrift,
  patchesForDestroy,
  patchesForUp,
  seedAccount,
} from "./fleet";
import type { ProviderKind, ScenarioName, ScenarioResult } from "./results";

/** A failed step is run again (uncounted) this many times at most before the run gives up. */
const SETTLE_ATTEMPTS = 3;

export interface FleetRunOptions {
  emulator: RunningEmulator;
  /** Where the provider host runs (see prepareHostDirectory). */
  hostDirectory: string;
  provider: ProviderKind;
  /** The `__provider` text of every resource. */
  providerText: string;
  k: number;
  users: number;
  parallel: number;
  /** The emulator's limit, put back after a settle lifted it. */
  rateLimitPerSecond: number;
  onScenario?: (result: ScenarioResult) => void;
}

type Settle = (engine: SimulatedEngine, failed: ReadonlySet<string>) => Promise<OperationOutcome>;

interface ScenarioPlan {
  name: ScenarioName;
  /** Runs before the provider starts: drift, and what the scenario must PATCH. */
  prepare: () => number;
  operation: Operation;
  /**
   * Runs the failed steps again with the rate limit lifted, so that the next scenario starts
   * from the state a successful run leaves (as a user re-running the command would get).
   */
  settle?: Settle;
}

export async function runFleet(options: FleetRunOptions): Promise<ScenarioResult[]> {
  const { emulator, k, users } = options;
  const declared = chooseDeclared(seedAccount(emulator, users), k);
  const program = declareProgram(declared, options.providerText);
  const state: StackState = new Map();
  const only = (failed: ReadonlySet<string>) => program.filter((r) => failed.has(r.urn));

  const plans: ScenarioPlan[] = [
    {
      name: "first-up",
      prepare: () => patchesForUp(emulator, program),
      operation: (engine) => engine.up(program, state),
      settle: (engine, failed) => engine.up(only(failed), state),
    },
    {
      name: "preview",
      prepare: () => 0,
      operation: (engine) => engine.preview(program, state),
    },
    {
      // What the engine logs and plans when a tenth of the fleet drifted; nothing is written.
      name: "drift-preview",
      prepare: () => {
        injectDrift(emulator, chooseDrifted(declared));
        return 0;
      },
      operation: (engine) => engine.preview(program, state),
    },
    {
      name: "drift-up",
      prepare: () => patchesForUp(emulator, program),
      operation: (engine) => engine.up(program, state),
      settle: (engine, failed) => engine.up(only(failed), state),
    },
    {
      name: "refresh",
      prepare: () => 0,
      operation: (engine) => engine.refresh(state),
      settle: (engine, failed) => engine.refresh(state, failed),
    },
    {
      name: "destroy",
      prepare: () => patchesForDestroy(emulator, state),
      operation: (engine) => engine.destroy(state),
      settle: (engine, failed) => engine.destroy(state, failed),
    },
  ];

  const results: ScenarioResult[] = [];
  for (const plan of plans) {
    const result = await runScenario(options, plan, program);
    results.push(result);
    options.onScenario?.(result);
  }
  return results;
}

async function runScenario(
  options: FleetRunOptions,
  plan: ScenarioPlan,
  program: readonly DeclaredResource[],
): Promise<ScenarioResult> {
  const { emulator } = options;
  const expectedPatches = plan.prepare();
  const { settle: again } = plan;
  const measured = await measureCommand({
    emulator,
    hostDirectory: options.hostDirectory,
    parallel: options.parallel,
    operation: plan.operation,
    // The floor cannot see drift: it is told what differs, so the engine runs the same steps.
    ...(options.provider === "floor"
      ? { extraConfig: { [CHANGED_CONFIG_KEY]: JSON.stringify(changedUsers(emulator, program)) } }
      : {}),
    ...(again === undefined
      ? {}
      : {
          after: (engine: SimulatedEngine, outcome: OperationOutcome) =>
            settle(emulator, options.rateLimitPerSecond, engine, again, outcome),
        }),
  });
  const { outcome } = measured;
  const firstFailure = outcome.failures[0];
  return {
    provider: options.provider,
    k: options.k,
    users: options.users,
    scenario: plan.name,
    requests: measured.requests,
    failures: outcome.failures.length,
    ...(firstFailure === undefined
      ? {}
      : { firstFailure: `${firstFailure.rpc}: ${firstFailure.message}` }),
    changes: outcome.changes,
    expectedPatches,
    wallMs: measured.wallMs,
    peakRssBytes: measured.peakRssBytes,
    startRssBytes: measured.startRssBytes,
    providerBytes: Buffer.byteLength(options.providerText, "utf8"),
  };
}

async function settle(
  emulator: RunningEmulator,
  rateLimitPerSecond: number,
  engine: SimulatedEngine,
  again: Settle,
  outcome: OperationOutcome,
): Promise<void> {
  let failed = outcome.failedUrns;
  if (failed.size === 0) return;
  emulator.setRateLimit(0);
  try {
    for (let attempt = 1; failed.size > 0; attempt += 1) {
      if (attempt > SETTLE_ATTEMPTS) {
        throw new Error(`${failed.size} steps still fail with the rate limit lifted`);
      }
      failed = (await again(engine, failed)).failedUrns;
    }
  } finally {
    emulator.setRateLimit(rateLimitPerSecond);
  }
}
