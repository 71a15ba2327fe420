/**
 * The allowlist run, ours only: k resources over T = 2k users, every other one declaring
 * `allowedIps`, through the real provider host in the engine's order. First up (the two default
 * "any" entries replaced by the declared range), preview, preview after allowlist drift on a
 * tenth of the declaring resources, up repairing it. Each scenario is its own provider process.
 */
import type { RunningEmulator } from "../emulator";
import {
  allowlistsOffTarget,
  chooseAllowlistDrifted,
  declareAllowlistProgram,
  declaringResources,
  injectAllowlistDrift,
  resetToDefaults,
  writesForUp,
} from "./allowlist-fleet";
import type { AllowlistScenarioName, AllowlistScenarioResult } from "./allowlist-results";
import { measureCommand, type Operation } from "./command";
import type { StackState } from "./engine";
import { chooseDeclared, seedAccount } from "./fleet";

export interface AllowlistRunOptions {
  emulator: RunningEmulator;
  hostDirectory: string;
  /** Our provider's `__provider` text. */
  providerText: string;
  k: number;
  users: number;
  parallel: number;
  onScenario?: (result: AllowlistScenarioResult) => void;
}

interface AllowlistPlan {
  name: AllowlistScenarioName;
  /** Runs before the provider starts: drift, and the writes the scenario must send. */
  prepare: () => number;
  operation: Operation;
}

export async function runAllowlistFleet(
  options: AllowlistRunOptions,
): Promise<AllowlistScenarioResult[]> {
  const { emulator, k, users } = options;
  const declared = chooseDeclared(seedAccount(emulator, users), k);
  const program = declareAllowlistProgram(declared, options.providerText);
  const drifted = chooseAllowlistDrifted(program);
  const state: StackState = new Map();

  const plans: AllowlistPlan[] = [
    {
      name: "allowlist-first-up",
      prepare: () => {
        resetToDefaults(emulator, program);
        return writesForUp(emulator, program);
      },
      operation: (engine) => engine.up(program, state),
    },
    {
      name: "allowlist-preview",
      prepare: () => 0,
      operation: (engine) => engine.preview(program, state),
    },
    {
      name: "allowlist-drift-preview",
      prepare: () => {
        injectAllowlistDrift(emulator, drifted);
        return 0;
      },
      operation: (engine) => engine.preview(program, state),
    },
    {
      name: "allowlist-drift-up",
      prepare: () => writesForUp(emulator, program),
      operation: (engine) => engine.up(program, state),
    },
  ];

  const results: AllowlistScenarioResult[] = [];
  for (const plan of plans) {
    const expectedWrites = plan.prepare();
    const measured = await measureCommand({
      emulator,
      hostDirectory: options.hostDirectory,
      parallel: options.parallel,
      operation: plan.operation,
    });
    const firstFailure = measured.outcome.failures[0];
    const result: AllowlistScenarioResult = {
      k,
      users,
      declaring: declaringResources(program).length,
      drifted: drifted.length,
      scenario: plan.name,
      requests: measured.requests,
      failures: measured.outcome.failures.length,
      ...(firstFailure === undefined
        ? {}
        : { firstFailure: `${firstFailure.rpc}: ${firstFailure.message}` }),
      changes: measured.outcome.changes,
      expectedWrites,
      offTargetAfter: allowlistsOffTarget(emulator, program),
      wallMs: measured.wallMs,
      peakRssBytes: measured.peakRssBytes,
    };
    results.push(result);
    options.onScenario?.(result);
  }
  return results;
}
