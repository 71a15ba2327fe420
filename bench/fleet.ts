/**
 * The account and the program a benchmark run plays: T users in the emulator, k of them
 * declared, a tenth of those drifted, and the directory the provider host runs in.
 */
import { existsSync } from "node:fs";
import { mkdtemp, mkdir, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { EmulatedUser, RunningEmulator } from "../emulator";
import { findProjectRoot } from "../scripts/project-root";
import type { DeclaredResource, StackState } from "./engine";

const PACKAGE_NAME = "pulumi-vultr-user-access";
const RESOURCE_TYPE = "pulumi-nodejs:dynamic/vultr:UserApiAccess";
/** Every benchmark account is generated from this seed, so ours and the naive see the same users. */
export const ACCOUNT_SEED = 20_240_605;

export interface HostDirectory {
  path: string;
  remove(): Promise<void>;
}

/**
 * A directory like a program's: the engine starts the provider host there, and the serialized
 * providers' `require("pulumi-vultr-user-access/provider")` and `require("node-fetch")` resolve
 * from its node_modules, linked to this repository (whose `dist/` must be built).
 */
export async function prepareHostDirectory(
  root = findProjectRoot(__dirname),
): Promise<HostDirectory> {
  if (!existsSync(path.join(root, "dist", "provider", "index.js"))) {
    throw new Error(`${root}/dist/provider is missing: run \`npm run build\` first`);
  }
  const dir = await mkdtemp(path.join(tmpdir(), "vultr-bench-host-"));
  const modules = path.join(dir, "node_modules");
  await mkdir(modules);
  await symlink(root, path.join(modules, PACKAGE_NAME), "dir");
  await symlink(
    path.join(root, "node_modules", "node-fetch"),
    path.join(modules, "node-fetch"),
    "dir",
  );
  return { path: dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Resets the account to T generated users (the same ones for the same T). */
export function seedAccount(emulator: RunningEmulator, users: number): EmulatedUser[] {
  emulator.reset();
  return emulator.seedUsers(users, ACCOUNT_SEED);
}

/**
 * The k declared users: every other user of the account's list, so they are spread over all
 * its pages. Each is declared as it already is ("first up" adopts without a PATCH).
 */
export function chooseDeclared(account: readonly EmulatedUser[], k: number): EmulatedUser[] {
  const stride = Math.max(1, Math.floor(account.length / k));
  const chosen = account.filter((_, index) => index % stride === 0).slice(0, k);
  if (chosen.length < k) {
    throw new Error(`The account holds ${account.length} users; ${k} cannot be declared`);
  }
  return chosen;
}

export function urnOf(index: number): string {
  return `urn:pulumi:bench::bench::${RESOURCE_TYPE}::user-${String(index).padStart(5, "0")}`;
}

/** The inputs the SDK sends for `new UserApiAccess(name, { userId, apiEnabled })`. */
export function declareProgram(
  users: readonly EmulatedUser[],
  providerText: string,
): DeclaredResource[] {
  return users.map((user, index) => ({
    urn: urnOf(index),
    inputs: {
      __provider: providerText,
      userId: user.id,
      apiEnabled: user.api_enabled,
      // The SDK's hint of the fleet size (sdk/user-api-access.ts); the naive provider ignores it.
      __fleetSize: users.length,
    },
  }));
}

/** Every tenth declared user: ⌈k/10⌉ of them. */
export function chooseDrifted(users: readonly EmulatedUser[]): EmulatedUser[] {
  return users.filter((_, index) => index % 10 === 0);
}

/** Flips api_enabled behind the provider's back, as someone in the Vultr console would. */
export function injectDrift(emulator: RunningEmulator, users: readonly EmulatedUser[]): void {
  for (const user of users) {
    const live = emulator.getUser(user.id);
    if (live === undefined) throw new Error(`Drift: user ${user.id} is not in the account`);
    emulator.setUser(user.id, { api_enabled: !live.api_enabled });
  }
}

/** Declared users whose live value differs from the declared one: what an `up` must PATCH. */
export function changedUsers(
  emulator: RunningEmulator,
  program: readonly DeclaredResource[],
): string[] {
  return program.flatMap((resource) => {
    const id = String(resource.inputs["userId"]);
    const live = emulator.getUser(id);
    return live !== undefined && live.api_enabled !== resource.inputs["apiEnabled"] ? [id] : [];
  });
}

/** PATCHes an `up` of this program must send: declared users whose live value differs. */
export function patchesForUp(
  emulator: RunningEmulator,
  program: readonly DeclaredResource[],
): number {
  return changedUsers(emulator, program).length;
}

/** PATCHes a `destroy` must send under onDelete "restore": users no longer at their initial value. */
export function patchesForDestroy(emulator: RunningEmulator, state: StackState): number {
  return [...state.values()].filter((entry) => {
    const live = emulator.getUser(entry.id);
    return live !== undefined && live.api_enabled !== entry.outs["initialApiEnabled"];
  }).length;
}
