/**
 * The UserApiKey handlers: each reads the user's keys once per engine pass (the list shared
 * with the self-revocation check), asks the pure plan what to do, does it, and says what it did
 * on the resource, naming each key by its hint and expiry, never by its value.
 */
import { isRunningKey, userKeys } from "../account/key-ownership";
import { describeUser } from "../account/naming";
import { account, type Runtime } from "../account/runtime";
import { keyHint } from "../client";
import type { ApiKeyInfo, VultrUser } from "../client/types";
import { ExpectedFailure, withInitFailure } from "../engine/handler-support";
import { forecast, say } from "../engine/messages";
import { failureText, type ResourceHandlers } from "../engine/outcomes";
import { isUnknown } from "../values/unknown";
import { makeKey, retireKeys, type MadeKey } from "./make";
import { keyLabel, planKey } from "./plan";
import { claimKey, findUser, keyResourceId, requireUser, uselessKeyWarning } from "./resolve";
import { keyOutputs, storedKey } from "./stored";
import type { DeclaredKey, KeyOutputs } from "./types";
import { validateKeyInputs } from "./validate";

function declaredKey(news: Record<string, unknown>): DeclaredKey {
  const { inputs, failures } = validateKeyInputs(news);
  if (failures.length > 0) {
    throw new ExpectedFailure(`Invalid UserApiKey inputs: ${failures.map(failureText).join("; ")}`);
  }
  return inputs;
}

function warnIfUseless(urn: string | undefined, user: VultrUser, name: string): void {
  const warning = uselessKeyWarning(user, name);
  if (warning !== undefined) forecast("warning", urn, warning);
}

async function liveKeys(rt: Runtime, urn: string | undefined, userId: string) {
  const listing = await userKeys(rt, userId);
  if (listing.clock.source === "local") forecast("warning", urn, listing.clock.problem);
  return { byId: new Map(listing.keys.map((key) => [key.id, key])), now: listing.clock.now };
}

function outputsFor(
  user: VultrUser,
  declared: DeclaredKey,
  current: { keyId: string; apiKey: string; keyHint: string; dateExpire: string },
  previous: ApiKeyInfo | undefined,
  retiring: readonly ApiKeyInfo[],
): KeyOutputs {
  return {
    userId: user.id.toLowerCase(),
    email: user.email,
    name: declared.name,
    ...current,
    previousKeyId: previous?.id ?? "",
    previousKeyHint: previous === undefined ? "" : keyHint(previous.maskedKey),
    previousDateExpire: previous?.dateExpire ?? "",
    retiringKeyIds: retiring.map((key) => key.id),
    lifetimeDays: declared.lifetimeDays,
    rotateBeforeDays: declared.rotateBeforeDays,
    keepPrevious: declared.keepPrevious,
  };
}

function madeCurrent(made: MadeKey, fallbackExpire: string) {
  return {
    keyId: made.key.id,
    apiKey: made.apiKey.reveal(),
    keyHint: made.apiKey.hint,
    dateExpire: made.key.dateExpire ?? fallbackExpire,
  };
}

export const userApiKey = {
  async check(_olds, news, step) {
    const { inputs, failures } = validateKeyInputs(news);
    if (failures.length > 0) return { inputs: news, failures };
    const { urn } = step;
    if (!isUnknown(inputs.userId) && !isUnknown(inputs.email)) {
      const found = await findUser(account(), inputs);
      if (found.failures.length > 0) return { inputs: news, failures: found.failures };
      if (found.user !== undefined) {
        const conflicts = claimKey(found.user, inputs.name, urn);
        if (conflicts.length > 0) return { inputs: news, failures: conflicts };
        warnIfUseless(urn, found.user, inputs.name);
      }
    }
    return { inputs: { ...inputs, ...(urn === undefined ? {} : { __urn: urn }) } };
  },

  async diff(id, olds, news, step) {
    const stored = storedKey(id, olds);
    const declared = declaredKey(news);
    const { urn } = step;
    const who = describeUser(stored);
    const early = planKey({ stored, declared, live: [], now: new Date(), who });
    if (early.action === "replace") {
      for (const line of early.info) forecast("info", urn, line);
      return { changes: true, replaces: early.replaces, deleteBeforeReplace: false };
    }
    const rt = account();
    const user = await rt.directory.get(stored.userId);
    if (user === undefined) {
      forecast("warning", urn, `Vultr user ${who} is gone, and with it ${stored.name}'s keys`);
      return { changes: true, replaces: [], deleteBeforeReplace: false };
    }
    const { byId, now } = await liveKeys(rt, urn, user.id);
    const plan = planKey({
      stored,
      declared,
      live: [...byId.values()],
      now,
      who: describeUser(user),
    });
    for (const line of plan.notes) forecast("warning", urn, line);
    for (const line of plan.info) forecast("info", urn, line);
    warnIfUseless(urn, user, declared.name);
    return { changes: plan.action !== "none", replaces: [], deleteBeforeReplace: false };
  },

  async create(news, step) {
    const declared = declaredKey(news);
    const rt = account();
    const user = await requireUser(rt, declared);
    const made = await makeKey(rt, step.urn, user, declared.name, declared.lifetimeDays, "created");
    const outs = outputsFor(user, declared, madeCurrent(made, ""), undefined, []);
    return { id: keyResourceId(user.id, declared.name), outs: keyOutputs(outs) };
  },

  async read(id, props) {
    const stored = storedKey(id, props);
    const rt = account();
    const user = await rt.directory.get(stored.userId);
    if (user === undefined) return { id: "" };
    const { byId } = await liveKeys(rt, undefined, user.id);
    const current = byId.get(stored.keyId);
    const previous = byId.get(stored.previousKeyId);
    const retiring = stored.retiringKeyIds.flatMap((k) => byId.get(k) ?? []);
    // Both gone: the resource is gone, and refresh drops it.
    if (current === undefined && previous === undefined && retiring.length === 0) return { id: "" };
    const declared = { ...stored, keepPrevious: stored.keepPrevious };
    const outs = outputsFor(
      user,
      declared,
      {
        keyId: stored.keyId,
        apiKey: stored.apiKey,
        keyHint: stored.keyHint,
        dateExpire: current?.dateExpire ?? stored.dateExpire,
      },
      previous,
      retiring,
    );
    return { id, props: keyOutputs(outs) };
  },

  async update(id, olds, news, step) {
    const stored = storedKey(id, olds);
    const declared = declaredKey(news);
    const { urn } = step;
    const rt = account();
    const user = await requireUser(rt, { ...declared, userId: stored.userId });
    const who = describeUser(user);
    const { byId, now } = await liveKeys(rt, urn, user.id);
    const plan = planKey({ stored, declared, live: [...byId.values()], now, who });
    const replaced = byId.get(stored.keyId);
    const previous = byId.get(stored.previousKeyId);
    const leftovers = stored.retiringKeyIds.flatMap((k) => byId.get(k) ?? []);
    let current = {
      keyId: stored.keyId,
      apiKey: stored.apiKey,
      keyHint: stored.keyHint,
      dateExpire: replaced?.dateExpire ?? stored.dateExpire,
    };
    let nextPrevious: ApiKeyInfo | undefined = declared.keepPrevious ? previous : undefined;
    let toRetire: ApiKeyInfo[] = [
      ...(declared.keepPrevious ? [] : [previous]),
      ...leftovers,
    ].filter((key): key is ApiKeyInfo => key !== undefined);
    if (plan.action === "rotate" || plan.action === "new-key") {
      // The new key first: a key is retired only once its successor exists.
      const why = plan.action === "rotate" ? "rotated" : "replaced the key deleted outside Pulumi";
      const made = await makeKey(rt, urn, user, declared.name, declared.lifetimeDays, why);
      current = madeCurrent(made, "");
      if (plan.action === "rotate" && replaced !== undefined) {
        if (declared.keepPrevious) {
          nextPrevious = replaced;
          toRetire = [...(previous === undefined ? [] : [previous]), ...leftovers];
        } else {
          toRetire = [replaced, ...toRetire];
        }
      }
    }
    const retired = await retireKeys(rt, urn, user, declared.name, toRetire, "retired", now);
    const kept = [...retired.kept];
    const previousKey = nextPrevious ?? kept.shift();
    const retiring = kept.filter((key) => key.id !== previousKey?.id);
    const outs = keyOutputs(outputsFor(user, declared, current, previousKey, retiring));
    if (retired.failure !== undefined) {
      const failure = new ExpectedFailure(
        `${retired.failure.message} — ${keyLabel(declared.name, who, current.keyHint)} is in the state; the keys not deleted stay recorded, and the next \`pulumi up\` retires them`,
      );
      throw withInitFailure(failure, { id, properties: outs });
    }
    return { outs };
  },

  async delete(id, props) {
    const stored = storedKey(id, props);
    const rt = account();
    const user = await rt.directory.get(stored.userId);
    if (user === undefined) return;
    const { byId } = await liveKeys(rt, undefined, user.id);
    // Only the keys this resource made; keys it did not make are never touched.
    const made = [stored.keyId, stored.previousKeyId, ...stored.retiringKeyIds].flatMap(
      (k) => byId.get(k) ?? [],
    );
    const running = made.find((key) => isRunningKey(rt, key));
    if (running !== undefined) {
      throw new ExpectedFailure(
        `refusing to delete ${keyLabel(stored.name, describeUser(user), keyHint(running.maskedKey))}: this deployment runs with it — run this with the account owner's key`,
      );
    }
    const retired = await retireKeys(rt, undefined, user, stored.name, made, "removed");
    if (retired.failure !== undefined) throw retired.failure;
    if (made.length === 0) say("info", undefined, `removed: no key of UserApiKey ${id} was left`);
  },
} satisfies ResourceHandlers;
