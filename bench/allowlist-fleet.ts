/**
 * The allowlist run's program and drift: every other declared resource manages its user's API
 * allowlist, declaring one public range in place of Vultr's two default "any" entries.
 */
import type { EmulatedUser, RunningEmulator } from "../emulator";
import type { DeclaredResource } from "./engine";
import { declareProgram } from "./fleet";

/** Vultr's own IPv4 block: public, so the provider's check accepts it. */
export const DECLARED_RANGE = { subnet: "45.76.0.0", subnet_size: 16 } as const;
/** What someone put in its place in the Vultr console (drift). */
export const DRIFT_RANGE = { subnet: "8.8.8.0", subnet_size: 24 } as const;

const text = (entry: { subnet: string; subnet_size: number }): string =>
  `${entry.subnet}/${entry.subnet_size}`;

/** The fleet's program, with `allowedIps` on every other resource (the first included). */
export function declareAllowlistProgram(
  users: readonly EmulatedUser[],
  providerText: string,
): DeclaredResource[] {
  return declareProgram(users, providerText).map((resource, index) =>
    index % 2 === 0
      ? { ...resource, inputs: { ...resource.inputs, allowedIps: [text(DECLARED_RANGE)] } }
      : resource,
  );
}

/** The resources that declare `allowedIps`. */
export function declaringResources(program: readonly DeclaredResource[]): DeclaredResource[] {
  return program.filter((resource) => Array.isArray(resource.inputs["allowedIps"]));
}

/** Vultr's defaults for a new user: any IPv4 and any IPv6 address. */
export const DEFAULT_ENTRIES = [
  { subnet: "0.0.0.0", subnet_size: 0 },
  { subnet: "::", subnet_size: 0 },
] as const;

/**
 * The generated account narrows some allowlists already; the run starts every declaring user
 * from Vultr's two defaults, so that first up replaces exactly those.
 */
export function resetToDefaults(
  emulator: RunningEmulator,
  program: readonly DeclaredResource[],
): void {
  for (const resource of declaringResources(program)) {
    emulator.setAllowlist(userIdOf(resource), [...DEFAULT_ENTRIES]);
  }
}

/** Every tenth declaring resource: ⌈m/10⌉ of them. */
export function chooseAllowlistDrifted(program: readonly DeclaredResource[]): DeclaredResource[] {
  return declaringResources(program).filter((_, index) => index % 10 === 0);
}

/** Someone replaced the declared range by another one in the Vultr console. */
export function injectAllowlistDrift(
  emulator: RunningEmulator,
  drifted: readonly DeclaredResource[],
): void {
  for (const resource of drifted) emulator.setAllowlist(userIdOf(resource), [DRIFT_RANGE]);
}

/**
 * The writes an `up` of this program must send, from the emulator's state: one per allowlist
 * entry to add or remove, one PATCH per api_enabled that differs.
 */
export function writesForUp(
  emulator: RunningEmulator,
  program: readonly DeclaredResource[],
): number {
  return program.reduce((sum, resource) => {
    const live = emulator.getUser(userIdOf(resource));
    if (live === undefined) return sum;
    const patch = live.api_enabled === resource.inputs["apiEnabled"] ? 0 : 1;
    return sum + patch + allowlistDifference(emulator, resource);
  }, 0);
}

/** Declaring resources whose user's allowlist is not exactly the declared one. */
export function allowlistsOffTarget(
  emulator: RunningEmulator,
  program: readonly DeclaredResource[],
): number {
  return declaringResources(program).filter(
    (resource) => allowlistDifference(emulator, resource) > 0,
  ).length;
}

/** Entries to add plus entries to remove to make the live allowlist the declared one. */
function allowlistDifference(emulator: RunningEmulator, resource: DeclaredResource): number {
  const declared = resource.inputs["allowedIps"];
  if (!Array.isArray(declared)) return 0;
  const wanted = new Set(declared.map(String));
  const live = new Set(emulator.getAllowlist(userIdOf(resource)).map(text));
  const missing = [...wanted].filter((entry) => !live.has(entry)).length;
  const extra = [...live].filter((entry) => !wanted.has(entry)).length;
  return missing + extra;
}

function userIdOf(resource: DeclaredResource): string {
  return String(resource.inputs["userId"]);
}
