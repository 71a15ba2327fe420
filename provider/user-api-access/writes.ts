/**
 * What UserApiAccess writes and stores: api_enabled (never off for the running key's own user),
 * the allowlist (adds before removes), and the outputs with the hidden bookkeeping.
 */
import { entryTexts } from "../account/allowlist-book";
import { deployment, isSameResource, type Manager, type TakenOver } from "../account/deployment";
import { refuseSelfRevocation } from "../account/key-ownership";
import { describeUser } from "../account/naming";
import type { Runtime } from "../account/runtime";
import { parseEntry, type AllowlistEntry } from "../allowlist";
import { isVultrApiError } from "../client/errors";
import type { VultrUser } from "../client/types";
import { ExpectedFailure, type InitFailure } from "../engine/handler-support";
import { say } from "../engine/messages";
import { UNKNOWN } from "../values/unknown";
import { outputsFor, releaseNote } from "./plan";
import { stateToStore, type StoredState } from "./stored-state";
import type { AccessOutputs, DeclaredAccess, OnDeletePolicy } from "./types";

export function declaredPolicy(news: DeclaredAccess): OnDeletePolicy {
  return news.onDelete === UNKNOWN ? "restore" : news.onDelete;
}

/**
 * The checked inputs as declared, without the provider's bookkeeping (`__provider`, `__urn`,
 * `__fleetSize` are stored beside them once, not again in here).
 */
function publicInputs(news: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(news).filter(([key]) => !key.startsWith("__")));
}

/**
 * PATCHes api_enabled, keeps the directory in step and says what changed (an audit line on the
 * resource). Never turns off the running key's own user. A 404 means the user is gone.
 */
export async function applyApiEnabled(
  rt: Runtime,
  urn: string | undefined,
  user: VultrUser,
  value: boolean,
  why: string,
): Promise<void> {
  if (!value) await refuseSelfRevocation(rt, user);
  try {
    await rt.client.setApiEnabled(user.id, value);
  } catch (error) {
    if (isVultrApiError(error) && error.status === 404) rt.directory.forget(user.id);
    throw error;
  }
  rt.directory.recordApiEnabled(user.id, value);
  say(
    "info",
    urn,
    `${why}: set api_enabled to ${value} on Vultr user ${describeUser(user)} (was ${user.apiEnabled})`,
  );
}

export type AllowlistOutputs = Pick<AccessOutputs, "allowedIps" | "initialAllowedIps">;

function declaredAllowlist(declared: DeclaredAccess): AllowlistEntry[] | undefined {
  if (declared.allowedIps === UNKNOWN) throw new ExpectedFailure("allowedIps is not known yet");
  return declared.allowedIps;
}

/** Stored canonical texts back into entries (they were validated when they were declared). */
export function storedEntries(texts: readonly string[]): AllowlistEntry[] {
  return texts.flatMap((text) => {
    const parsed = parseEntry(text);
    return parsed.ok ? [parsed.entry] : [];
  });
}

/**
 * Makes the user's allowlist the declared one (adds before removes), when it is managed, and
 * returns the allowlist outputs. `initial` is what the list held before this stack managed it.
 */
export async function applyAllowlist(
  rt: Runtime,
  urn: string | undefined,
  user: VultrUser,
  declared: DeclaredAccess,
  initial: string[] | undefined,
  onWrite: () => void = () => undefined,
): Promise<AllowlistOutputs> {
  const target = declaredAllowlist(declared);
  if (target === undefined) return {};
  const found = entryTexts(await rt.allowlists.get(user.id));
  await rt.allowlists.apply(user, target, (line) => {
    onWrite();
    say("info", urn, line);
  });
  return { allowedIps: entryTexts(target), initialAllowedIps: initial ?? found };
}

/**
 * A create that changed the allowlist and then failed (a removal, or the api_enabled PATCH):
 * without a state, the next up would adopt the user again and take the list it now holds for
 * the one it had before. So the engine is asked to keep the resource, with the allowlist as it
 * now is and the one found at adoption; `apiEnabled` and the inputs record what Vultr holds, so
 * the next diff plans what is left to do. (The front door adds what it keeps beside the outputs.)
 */
export async function partialAdoption(
  rt: Runtime,
  urn: string | undefined,
  live: VultrUser,
  news: Record<string, unknown>,
  declared: DeclaredAccess,
  initial: { apiEnabled: boolean; allowedIps: string[] },
): Promise<InitFailure> {
  const current = entryTexts(await rt.allowlists.get(live.id));
  const outs: AccessOutputs = {
    ...outputsFor(live, live.apiEnabled, initial.apiEnabled, declaredPolicy(declared)),
    allowedIps: current,
    initialAllowedIps: initial.allowedIps,
  };
  const inputs = { ...publicInputs(news), apiEnabled: live.apiEnabled, allowedIps: current };
  const properties = stateToStore(outs, { urn, inputs, fleetSize: declared.fleetSize });
  return { id: live.id, properties };
}

/** The outputs to store: the resource's own and the hidden bookkeeping read and delete need. */
export function outputsToStore(
  urn: string | undefined,
  live: VultrUser,
  value: boolean,
  initialApiEnabled: boolean,
  news: Record<string, unknown>,
  declared: DeclaredAccess,
  allowlist: AllowlistOutputs,
): Record<string, unknown> {
  const outs = {
    ...outputsFor(live, value, initialApiEnabled, declaredPolicy(declared)),
    ...allowlist,
  };
  return stateToStore(outs, {
    urn,
    inputs: publicInputs(news),
    fleetSize: declared.fleetSize,
  });
}

/**
 * What refresh records: the live values as outputs, and the inputs as declared but with the
 * live `apiEnabled` (and allowlist), so that the engine shows drift as `apiEnabled: true => false`
 * (and no phantom change of how the user was named).
 */
export function refreshed(
  stored: StoredState,
  live: VultrUser,
  liveAllowlist: string[] | undefined,
): { props: Record<string, unknown>; inputs?: Record<string, unknown> } {
  const outs: AccessOutputs = {
    ...outputsFor(live, live.apiEnabled, stored.outs.initialApiEnabled, stored.outs.onDelete),
    ...(liveAllowlist === undefined ? {} : { allowedIps: liveAllowlist }),
    ...(stored.outs.initialAllowedIps === undefined
      ? {}
      : { initialAllowedIps: stored.outs.initialAllowedIps }),
  };
  const props = stateToStore(outs, {
    urn: stored.urn,
    inputs: stored.inputs,
    fleetSize: stored.fleetSize,
  });
  // State from before the declaration was stored: the engine keeps the inputs it holds, which
  // are what the user declared (an email stays an email) when read returns none.
  if (stored.inputs === undefined) return { props };
  // The inputs as check returns them: the declaration and the hidden keys the SDK sends.
  const inputs = {
    ...stored.inputs,
    apiEnabled: live.apiEnabled,
    ...(liveAllowlist === undefined ? {} : { allowedIps: liveAllowlist }),
    ...(stored.urn === undefined ? {} : { __urn: stored.urn }),
    ...(stored.fleetSize === undefined ? {} : { __fleetSize: stored.fleetSize }),
  };
  return { props, inputs };
}

/** What a create or update keeps as the user's value before this stack, for a later release. */
export function recorded(
  initialApiEnabled: boolean,
  allowlist: AllowlistOutputs,
  declared: DeclaredAccess,
): Omit<TakenOver, "name"> {
  return {
    initialApiEnabled,
    onDelete: declaredPolicy(declared),
    ...(allowlist.initialAllowedIps === undefined
      ? {}
      : { initialAllowedIps: allowlist.initialAllowedIps }),
  };
}

/**
 * The release of a user another resource of this deployment took over: nothing is written. The
 * engine drops this state with the value it kept as the user's before this stack; the line says
 * so when the new resource recorded another (diff recorded a release only when this resource
 * was replaced, which tells a swap from a rename).
 */
export function sayReleased(stored: StoredState, manager: Manager): void {
  const replaced = deployment.releaseOf(stored.outs.userId)?.from;
  const swap = replaced !== undefined && isSameResource(replaced, stored.urn);
  const note = releaseNote(stored.outs, manager, swap);
  say(note.severity, stored.urn, note.text);
}
