/**
 * The UserApiKey run: K keys over U users (K / U each), through the real provider host in the
 * engine's order, ours and the floor (bench/floor-key-provider.ts) one right after the other per
 * scenario. The first up makes every key; a preview finds nothing due; the emulator's clock moves
 * 25 days, so the first key of `due` users (30-day lifetime, rotation 10 days before expiry) is
 * due while the others (90 days, 30 before) are not; the preview plans those rotations, the up
 * makes one new key each and keeps the old one as previous (no DELETE), and an up right after
 * finds nothing to do. Each scenario is its own provider process, as each command is.
 */
import type { EmulatedUser, RunningEmulator } from "../emulator";
import { measureCommand, type Operation } from "./command";
import type { DeclaredResource, StackState } from "./engine";
import type { KeyProviderKind, KeyScenarioName, KeyScenarioResult } from "./key-results";

const KEY_TYPE = "pulumi-nodejs:dynamic/vultr:UserApiKey";
const DAY_S = 86_400;
/** How far the clock moves before the rotation scenarios. */
const LATER_DAYS = 25;
const SHORT_LIFETIME_DAYS = 30;
const LONG_LIFETIME_DAYS = 90;

export interface KeyRunOptions {
  emulator: RunningEmulator;
  hostDirectory: string;
  /** The `__provider` text of each provider: the key shim, and the floor's. */
  providerTexts: Record<KeyProviderKind, string>;
  users: number;
  keysPerUser: number;
  /** Users whose first key is due 25 days after the first up (at most `users`). */
  due: number;
  parallel: number;
  /** After each scenario, with every result so far (the floor's of the same scenario included). */
  onScenario?: (result: KeyScenarioResult, results: readonly KeyScenarioResult[]) => void;
}

interface KeyPlan {
  name: KeyScenarioName;
  /** Runs before the scenario (for both providers): the clock. */
  prepare: () => void;
  preview: boolean;
  expectedChanges: number;
  expectedPosts: number;
  /** The due keys change (the floor is told so). */
  rotates: boolean;
}

interface DeclaredKeyResource {
  resourceId: string;
  urn: string;
  inputs: Record<string, unknown>;
  due: boolean;
}

export function declareKeys(
  users: readonly EmulatedUser[],
  keysPerUser: number,
  due: number,
): DeclaredKeyResource[] {
  return users.flatMap((user, u) =>
    Array.from({ length: keysPerUser }, (_, k) => {
      const name = `k${k}`;
      const isDue = k === 0 && u < due;
      return {
        resourceId: `${user.id.toLowerCase()}/${name}`,
        urn: `urn:pulumi:bench::bench::${KEY_TYPE}::key-${u * keysPerUser + k}`,
        inputs: {
          userId: user.id,
          name,
          lifetimeDays: isDue ? SHORT_LIFETIME_DAYS : LONG_LIFETIME_DAYS,
        },
        due: isDue,
      };
    }),
  );
}

function program(
  keys: readonly DeclaredKeyResource[],
  providerText: string,
  preview: boolean,
): DeclaredResource[] {
  return keys.map((key) => ({
    urn: key.urn,
    inputs: { __provider: providerText, __urn: key.urn, __preview: preview, ...key.inputs },
  }));
}

function plan(
  name: KeyScenarioName,
  preview: boolean,
  expected: { changes: number; posts: number; rotates: boolean },
): KeyPlan {
  return {
    name,
    prepare: () => undefined,
    preview,
    expectedChanges: expected.changes,
    expectedPosts: expected.posts,
    rotates: expected.rotates,
  };
}

export async function runKeys(options: KeyRunOptions): Promise<KeyScenarioResult[]> {
  const { emulator, users: userCount, keysPerUser } = options;
  emulator.reset();
  emulator.setClockOffset(0);
  const users = emulator.seedUsers(
    Array.from({ length: userCount }, (_, i) => ({
      email: `bot-${i}@example.com`,
      name: `Bot ${i}`,
      service_user: true,
    })),
  );
  const due = Math.min(options.due, userCount);
  const keys = declareKeys(users, keysPerUser, due);
  const dueIds = keys.filter((key) => key.due).map((key) => key.resourceId);
  const plans: KeyPlan[] = [
    plan("keys-first-up", false, { changes: keys.length, posts: keys.length, rotates: false }),
    plan("keys-preview-none-due", true, { changes: 0, posts: 0, rotates: false }),
    {
      ...plan("keys-preview-due", true, { changes: due, posts: 0, rotates: true }),
      prepare: () => emulator.setClockOffset(LATER_DAYS * DAY_S),
    },
    plan("keys-rotate-up", false, { changes: due, posts: due, rotates: true }),
    plan("keys-no-change-up", false, { changes: 0, posts: 0, rotates: false }),
  ];
  const states: Record<KeyProviderKind, StackState> = { floor: new Map(), ours: new Map() };
  const results: KeyScenarioResult[] = [];
  try {
    for (const step of plans) {
      step.prepare();
      // The floor first, right before ours, so that both see the machine in about the same state.
      for (const provider of ["floor", "ours"] as const) {
        const declared = program(keys, options.providerTexts[provider], step.preview);
        const state = states[provider];
        const operation: Operation = (engine) =>
          step.preview ? engine.preview(declared, state) : engine.up(declared, state);
        const measured = await measureCommand({
          emulator,
          hostDirectory: options.hostDirectory,
          parallel: options.parallel,
          operation,
          // Only the floor reads it: which keys are due in this scenario.
          extraConfig: { "bench:changed": JSON.stringify(step.rotates ? dueIds : []) },
        });
        const firstFailure = measured.outcome.failures[0];
        const result: KeyScenarioResult = {
          provider,
          users: userCount,
          keys: keys.length,
          due,
          scenario: step.name,
          requests: measured.requests,
          failures: measured.outcome.failures.length,
          ...(firstFailure === undefined
            ? {}
            : { firstFailure: `${firstFailure.rpc}: ${firstFailure.message}` }),
          changes: measured.outcome.changes,
          expectedChanges: step.expectedChanges,
          expectedPosts: step.expectedPosts,
          expectedDeletes: 0,
          wallMs: measured.wallMs,
          peakRssBytes: measured.peakRssBytes,
        };
        results.push(result);
        options.onScenario?.(result, results);
      }
    }
  } finally {
    emulator.setClockOffset(0);
  }
  return results;
}
