/**
 * The ApiAccessPolicy run: one policy over an account of T users in which 1% are API-enabled
 * violators, through the real provider host in the engine's order. Preview of the new policy,
 * first up (every violator disabled), up without changes, and up after a tenth of the disabled
 * violators were turned back on in the console. Each scenario is its own provider process.
 */
import type { EmulatedUser, RunningEmulator, SeedUser } from "../emulator";
import { measureCommand, type Operation } from "./command";
import type { DeclaredResource, StackState } from "./engine";
import type { PolicyScenarioName, PolicyScenarioResult } from "./policy-results";

const POLICY_TYPE = "pulumi-nodejs:dynamic/vultr:ApiAccessPolicy";
/** 1% of the account: API-enabled and not allowed. */
const VIOLATOR_EVERY = 100;
/** 0.2% of the account: API-enabled and allowed (the CI bots, say). */
const ALLOWED_EVERY = 500;
const ALLOWED_OFFSET = 250;
/** High enough for the first up to disable every violator of 10,000 users in one update. */
export const BENCH_MAX_DISABLED = 200;

export interface PolicyRunOptions {
  emulator: RunningEmulator;
  hostDirectory: string;
  /** The policy shim's `__provider` text. */
  providerText: string;
  users: number;
  parallel: number;
  onScenario?: (result: PolicyScenarioResult) => void;
}

export interface PolicyAccount {
  allowed: EmulatedUser[];
  violators: EmulatedUser[];
}

/**
 * Resets the account to T users: every hundredth an API-enabled violator, every five hundredth
 * (offset by 250) an API-enabled user the policy allows, the rest without API access. Nobody
 * holds manage_users, so no violator is an admin left alone.
 */
export function seedPolicyAccount(emulator: RunningEmulator, users: number): PolicyAccount {
  emulator.reset();
  const role = (i: number): "violator" | "allowed" | "none" =>
    i % VIOLATOR_EVERY === 0
      ? "violator"
      : i % ALLOWED_EVERY === ALLOWED_OFFSET
        ? "allowed"
        : "none";
  const seeds: SeedUser[] = Array.from({ length: users }, (_, i) => ({
    email: `user${i}@example.com`,
    name: `User ${i}`,
    api_enabled: role(i) !== "none",
    acls: [],
  }));
  const seeded = emulator.seedUsers(seeds);
  return {
    allowed: seeded.filter((_, i) => role(i) === "allowed"),
    violators: seeded.filter((_, i) => role(i) === "violator"),
  };
}

/** `new ApiAccessPolicy("api-access", { allowed, maxDisabled })`, as the SDK sends it. */
export function declarePolicy(
  allowed: readonly EmulatedUser[],
  providerText: string,
): DeclaredResource {
  const urn = `urn:pulumi:bench::bench::${POLICY_TYPE}::api-access`;
  return {
    urn,
    inputs: {
      __provider: providerText,
      __urn: urn,
      allowed: allowed.map((user) => user.id),
      maxDisabled: BENCH_MAX_DISABLED,
    },
  };
}

/** API-enabled users outside `allowed`, as the emulator holds them. */
export function violatorsNow(emulator: RunningEmulator, allowed: readonly EmulatedUser[]): number {
  const ids = new Set(allowed.map((user) => user.id));
  return emulator.listUsers().filter((user) => user.api_enabled && !ids.has(user.id)).length;
}

interface PolicyPlan {
  name: PolicyScenarioName;
  /** Runs before the provider starts: drift. */
  prepare: () => void;
  /** An up disables every violator; a preview writes nothing. */
  writes: boolean;
  operation: Operation;
}

export async function runPolicy(options: PolicyRunOptions): Promise<PolicyScenarioResult[]> {
  const { emulator, users } = options;
  const account = seedPolicyAccount(emulator, users);
  const program = [declarePolicy(account.allowed, options.providerText)];
  const state: StackState = new Map();
  const reenabled = account.violators.filter((_, index) => index % 10 === 0);

  const plans: PolicyPlan[] = [
    {
      name: "policy-preview",
      prepare: () => undefined,
      writes: false,
      operation: (engine) => engine.preview(program, state),
    },
    {
      name: "policy-first-up",
      prepare: () => undefined,
      writes: true,
      operation: (engine) => engine.up(program, state),
    },
    {
      name: "policy-no-change",
      prepare: () => undefined,
      writes: true,
      operation: (engine) => engine.up(program, state),
    },
    {
      name: "policy-drift-up",
      prepare: () => {
        for (const user of reenabled) emulator.setUser(user.id, { api_enabled: true });
      },
      writes: true,
      operation: (engine) => engine.up(program, state),
    },
  ];

  const results: PolicyScenarioResult[] = [];
  for (const plan of plans) {
    plan.prepare();
    const violatorsBefore = violatorsNow(emulator, account.allowed);
    const measured = await measureCommand({
      emulator,
      hostDirectory: options.hostDirectory,
      parallel: options.parallel,
      operation: plan.operation,
    });
    const firstFailure = measured.outcome.failures[0];
    const result: PolicyScenarioResult = {
      users,
      allowed: account.allowed.length,
      maxDisabled: BENCH_MAX_DISABLED,
      scenario: plan.name,
      violatorsBefore,
      violatorsAfter: violatorsNow(emulator, account.allowed),
      requests: measured.requests,
      failures: measured.outcome.failures.length,
      ...(firstFailure === undefined
        ? {}
        : { firstFailure: `${firstFailure.rpc}: ${firstFailure.message}` }),
      changes: measured.outcome.changes,
      expectedPatches: plan.writes ? violatorsBefore : 0,
      wallMs: measured.wallMs,
      peakRssBytes: measured.peakRssBytes,
    };
    results.push(result);
    options.onScenario?.(result);
  }
  return results;
}
