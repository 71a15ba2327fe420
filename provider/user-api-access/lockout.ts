/**
 * UserApiAccess's half of the lock-out guard (`../account/key-ownership`): what applying a
 * declaration, or releasing the user on delete, would do to the running key's own user.
 */
import { parseEntry, type AllowlistEntry } from "../allowlist";
import type { VultrUser } from "../client/types";
import {
  lockoutRefusals,
  narrowedBy,
  refuseLockout,
  type PlannedChange,
} from "../account/key-ownership";
import { describeUser } from "../account/naming";
import type { Runtime } from "../account/runtime";
import { UNKNOWN } from "../values/unknown";
import { deleteTarget } from "./plan";
import type { AccessOutputs, DeclaredAccess } from "./types";

/** The live allowlist, read (once per process) only when the declaration manages it. */
function liveAllowlist(
  rt: Runtime,
  user: VultrUser,
  declared: readonly AllowlistEntry[] | typeof UNKNOWN | undefined,
): Promise<AllowlistEntry[] | undefined> {
  return Array.isArray(declared) ? rt.allowlists.get(user.id) : Promise.resolve(undefined);
}

/** What applying `declared` to `user` would do: disable it, remove allowlist entries. */
export async function declaredChange(
  rt: Runtime,
  user: VultrUser,
  declared: DeclaredAccess,
): Promise<PlannedChange> {
  const live = await liveAllowlist(rt, user, declared.allowedIps);
  const removes =
    live === undefined || !Array.isArray(declared.allowedIps)
      ? []
      : narrowedBy(declared.allowedIps, live);
  return { disables: declared.apiEnabled === false && user.apiEnabled, removes };
}

/** Throws before applying `declared` to `user` would lock the running key out. */
export async function refuseDeclaredLockout(
  rt: Runtime,
  user: VultrUser,
  declared: DeclaredAccess,
): Promise<void> {
  await refuseLockout(rt, user, await declaredChange(rt, user, declared));
}

/**
 * What releasing the user writes: `target` for api_enabled (see deleteTarget), and with
 * onDelete "restore" the allowlist found at adoption.
 */
async function releaseChange(
  rt: Runtime,
  user: VultrUser,
  outs: AccessOutputs,
  target: boolean | undefined,
): Promise<PlannedChange> {
  const restores =
    outs.onDelete === "restore" &&
    outs.allowedIps !== undefined &&
    outs.initialAllowedIps !== undefined;
  const restore = restores
    ? (outs.initialAllowedIps ?? []).flatMap((text) => {
        const parsed = parseEntry(text);
        return parsed.ok ? [parsed.entry] : [];
      })
    : undefined;
  const live = await liveAllowlist(rt, user, restore);
  const removes = restore === undefined || live === undefined ? [] : narrowedBy(restore, live);
  return { disables: target === false, removes };
}

/** Throws before a release (a delete) would lock the running key out. */
export async function refuseRelease(
  rt: Runtime,
  user: VultrUser,
  outs: AccessOutputs,
  target: boolean | undefined,
): Promise<void> {
  await refuseLockout(rt, user, await releaseChange(rt, user, outs, target));
}

/**
 * What preview can say of a release that a replace does at the end of the up: the delete that
 * releases the old user is refused then, unless another resource of the program adopts it first.
 */
export async function releaseWarning(
  rt: Runtime,
  user: VultrUser,
  outs: AccessOutputs,
): Promise<string | undefined> {
  const change = await releaseChange(rt, user, outs, deleteTarget(outs, user));
  const refusals = await lockoutRefusals(rt, user, change);
  if (refusals.length === 0) return undefined;
  return (
    `the release of Vultr user ${describeUser(user)} under onDelete "${outs.onDelete}" at the ` +
    `end of up will fail, unless another resource of this program declares that user: ` +
    refusals.map((refusal) => refusal.reason).join("; ")
  );
}
