/**
 * Making a key and retiring keys: the writes of UserApiKey. A POST is never repeated blindly:
 * when Vultr's answer leaves open whether the key was made, or comes without the key, the
 * user's keys are listed and any key of that name this step made is deleted (nobody holds it),
 * so no orphan is left; the step then fails saying so.
 */
import { isRunningKey, noteKeyChange, userKeys } from "../account/key-ownership";
import type { Runtime } from "../account/runtime";
import { keyHint } from "../client";
import { VultrUncertainWriteError } from "../client/errors";
import type { ApiKeyInfo, ApiKeySecret, VultrUser } from "../client";
import { ExpectedFailure } from "../engine/handler-support";
import { say } from "../engine/messages";
import { describeUser } from "../account/naming";
import { DAY_MS, dayOf, keyLabel } from "./plan";

export interface MadeKey {
  key: ApiKeyInfo;
  apiKey: ApiKeySecret;
}

/** Deletes the keys named `name` that were not in `before`: made by this step, held by nobody. */
async function removeOrphans(
  rt: Runtime,
  user: VultrUser,
  name: string,
  before: readonly ApiKeyInfo[],
): Promise<string[]> {
  const known = new Set(before.map((key) => key.id));
  const { keys } = await rt.client.listApiKeysWithClock(user.id);
  const orphans = keys.filter((key) => key.name === name && !known.has(key.id));
  for (const orphan of orphans) await rt.client.deleteApiKey(user.id, orphan.id);
  return orphans.map((key) => `${keyHint(key.maskedKey)} (id ${key.id})`);
}

/** POST one key named `name`, expiring `lifetimeDays` after Vultr's now. */
export async function makeKey(
  rt: Runtime,
  urn: string | undefined,
  user: VultrUser,
  name: string,
  lifetimeDays: number,
  why: string,
): Promise<MadeKey> {
  const { keys, clock } = await userKeys(rt, user.id);
  if (clock.source === "local") say("warning", urn, clock.problem);
  const dateExpire = new Date(clock.now.getTime() + lifetimeDays * DAY_MS);
  const who = describeUser(user);
  let made;
  try {
    made = await rt.client.createApiKey(user.id, { name, dateExpire });
  } catch (error) {
    if (!(error instanceof VultrUncertainWriteError)) throw error;
    const removed = await removeOrphans(rt, user, name, keys);
    throw new ExpectedFailure(
      `${error.message} — listed the keys of ${who} to find out: ` +
        (removed.length === 0
          ? `no key named ${name} was made; run \`pulumi up\` again`
          : `the key Vultr made (${removed.join(", ")}) was deleted, since nobody holds its value; run \`pulumi up\` again`),
    );
  }
  if (made === undefined) {
    const removed = await removeOrphans(rt, user, name, keys);
    throw new ExpectedFailure(
      `Vultr made key ${name} of ${who} but answered without its value, which it shows only in that answer; ` +
        (removed.length === 0
          ? "no such key is listed, so none is left behind"
          : `the key (${removed.join(", ")}) was deleted so that no key nobody holds is left`) +
        " — UserApiKey needs Vultr to return the new key (as its documentation says it does)",
    );
  }
  await noteKeyChange(user.id, { made: made.key });
  const expires = made.key.dateExpire ?? dateExpire.toISOString();
  say(
    "info",
    urn,
    `${why}: made ${keyLabel(name, who, made.apiKey.hint)}, expires ${dayOf(expires)}`,
  );
  return made;
}

/** Why a key is kept although due to go: the deployment runs with it. */
export function runningKeyKept(name: string, who: string, key: ApiKeyInfo): string {
  return (
    `kept ${keyLabel(name, who, keyHint(key.maskedKey))}: this deployment runs with it, and ` +
    "deleting it would lock the deployment out — run this with the account owner's key to retire it"
  );
}

export interface Retired {
  /** Keys still there (skipped as the running key, or their DELETE failed), in given order. */
  kept: ApiKeyInfo[];
  /** The DELETE that failed, if one did (the later keys were not tried). */
  failure?: Error;
}

/** Deletes `keys` (live keys of `user`) in order, never the running key. */
export async function retireKeys(
  rt: Runtime,
  urn: string | undefined,
  user: VultrUser,
  name: string,
  keys: readonly ApiKeyInfo[],
  why: string,
  /** Vultr's now, to tell an expired key from one that still works. */
  now?: Date,
): Promise<Retired> {
  const who = describeUser(user);
  const kept: ApiKeyInfo[] = [];
  for (const [i, key] of keys.entries()) {
    if (isRunningKey(rt, key)) {
      say("warning", urn, runningKeyKept(name, who, key));
      kept.push(key);
      continue;
    }
    try {
      await rt.client.deleteApiKey(user.id, key.id);
    } catch (failure) {
      const error = failure instanceof Error ? failure : new Error(String(failure));
      return { kept: [...kept, ...keys.slice(i)], failure: error };
    }
    await noteKeyChange(user.id, { deleted: key.id });
    const expired =
      key.dateExpire !== null && Date.parse(key.dateExpire) <= (now ?? new Date()).getTime();
    const expiry =
      key.dateExpire === null
        ? ""
        : `, which ${expired ? "expired" : "expires"} ${dayOf(key.dateExpire)}`;
    say("info", urn, `${why}: deleted ${keyLabel(name, who, keyHint(key.maskedKey))}${expiry}`);
  }
  return { kept };
}
