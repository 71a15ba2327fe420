/**
 * The UserApiAccess handlers: the imperative shell. Each one fetches what it needs through the
 * directory, asks the pure core what to do, does it, and says what it did on the resource.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { compareAllowlists, parseEntry, type AllowlistEntry } from "./allowlist";
import { decideAllowlist } from "./allowlist-reconcile";
import { entryTexts } from "./allowlists";
import { isVultrApiError } from "./client/errors";
import type { VultrUser } from "./client/types";
import { deployment, isSameResource, policyConflict, resourceRef } from "./deployment";
import {
  ExpectedFailure,
  FLEET_SIZE_KEY,
  handle,
  noteFleetSize,
  runtime,
  usersCount,
} from "./handler-support";
import { say } from "./messages";
import {
  adoptionNote,
  decideDiff,
  deleteTarget,
  describeUser,
  outputsFor,
  patchNeeded,
  replaceNote,
} from "./reconcile";
import type { Runtime } from "./runtime";
import { refuseSelfRevocation } from "./self-revocation";
import { setConfig } from "./runtime";
import { storedState, stateToStore, urnOf, type StoredState } from "./stored-state";
import { UNKNOWN, type AccessOutputs, type DeclaredAccess, type OnDeletePolicy } from "./types";
import { isUnknown, validateInputs, type CheckFailure } from "./validate";

const TYPE_NAME = "UserApiAccess";

function userGone(who: string, total: number | undefined): ExpectedFailure {
  const holds = total === undefined ? "" : ` (the account holds ${usersCount(total)})`;
  return new ExpectedFailure(
    `Vultr user ${who} does not exist in this account${holds}: check the userId or email, ` +
      "or remove the resource from the program and run `pulumi refresh`",
  );
}

/**
 * The declaration for diff, create and update (and its fleet size noted). The engine runs check
 * first, so failures here mean check was bypassed; acting on them could revoke access on a
 * misread value.
 */
function declaredInputs(news: Record<string, unknown>): DeclaredAccess {
  const { inputs, failures } = validateInputs(news);
  if (failures.length > 0) {
    throw new ExpectedFailure(
      `Invalid UserApiAccess inputs: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`,
    );
  }
  noteFleetSize(inputs.fleetSize, "declared");
  return inputs;
}

function declaredValue(news: DeclaredAccess): boolean {
  if (news.apiEnabled === UNKNOWN) throw new ExpectedFailure("apiEnabled is not known yet");
  return news.apiEnabled;
}

function declaredPolicy(news: DeclaredAccess): OnDeletePolicy {
  return news.onDelete === UNKNOWN ? "restore" : news.onDelete;
}

/** The checked inputs as stored, without what is only for the provider's bookkeeping. */
function publicInputs(news: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(news).filter(([key]) => key !== "__provider"));
}

/**
 * Resolves the declaration to a live user during check: an email through the list, an id by
 * reading it. A user missing from a snapshot is confirmed with the API before it is reported.
 */
async function resolveUser(
  inputs: DeclaredAccess,
  managedBefore: boolean,
): Promise<{ user?: VultrUser; failures: CheckFailure[] }> {
  const { email, userId } = inputs;
  // Part of the identity is still to be computed (preview): up checks it once it is known.
  if (isUnknown(userId) || isUnknown(email)) return { failures: [] };
  const { directory } = runtime();
  if (email !== undefined && !isUnknown(email)) {
    const byEmail = await directory.findByEmail(email);
    if (byEmail === undefined) {
      const reason = `no Vultr user has the email ${JSON.stringify(email)} (the account holds ${usersCount(await directory.total())}); check the address, or create the user first`;
      return { failures: [{ property: "email", reason }] };
    }
    if (userId !== undefined && userId !== byEmail.id.toLowerCase()) {
      const other = await directory.get(userId);
      const holder =
        other === undefined ? "no user in this account" : `user ${describeUser(other)}`;
      const reason = `userId ${userId} and email ${email} name different users: the email belongs to ${byEmail.id}, the id to ${holder}; set one of them, or both naming the same user`;
      return { failures: [{ property: "userId", reason }] };
    }
    inputs.userId = byEmail.id.toLowerCase();
    return { user: byEmail, failures: [] };
  }
  const byId = await directory.get(userId ?? "");
  if (byId === undefined) {
    const holds = `the account holds ${usersCount(await directory.total())}`;
    const reason = managedBefore
      ? `Vultr user ${userId} does not exist in this account (${holds}): remove the resource from the program, or run \`pulumi refresh\` to drop it from the state`
      : `Vultr user ${userId} does not exist in this account (${holds}): check the userId, or create the user first`;
    return { failures: [{ property: "userId", reason }] };
  }
  return { user: byId, failures: [] };
}

/** One user, one resource: a second declaration of a user in this program fails check. */
function claimUser(
  user: VultrUser,
  urn: string | undefined,
  inputs: DeclaredAccess,
): CheckFailure[] {
  const me = resourceRef(urn, TYPE_NAME);
  const other = deployment.claimDeclaration(user.id, me);
  if (other === undefined) {
    if (isUnknown(inputs.apiEnabled)) return [];
    deployment.recordDeclaredAccess(user.id, me, inputs.apiEnabled);
    const policy = policyConflict(deployment.policy(), user.id, inputs.apiEnabled);
    if (policy === undefined) return [];
    return [
      {
        property: "apiEnabled",
        reason: `apiEnabled: true for Vultr user ${describeUser(user)} conflicts with ApiAccessPolicy "${policy.by.name}", which does not allow that user: add the user to the policy's allowed list, or declare apiEnabled: false`,
      },
    ];
  }
  return [
    {
      property: inputs.email !== undefined ? "email" : "userId",
      reason: `Vultr user ${describeUser(user)} is already declared by UserApiAccess "${other.name}"; UserApiAccess "${me.name}" declares it too — declare each user's API access once (one by userId and one by email name the same user)`,
    },
  ];
}

/** What a new resource will do to its user: api_enabled, and the allowlist when declared. */
async function adoptionPlan(user: VultrUser, inputs: DeclaredAccess): Promise<string> {
  const note = adoptionNote(user, inputs.apiEnabled as boolean);
  if (inputs.allowedIps === undefined || inputs.allowedIps === UNKNOWN) return note;
  const live = await runtime().allowlists.get(user.id);
  const { add, remove } = compareAllowlists(inputs.allowedIps, live);
  if (add.length === 0 && remove.length === 0) {
    return `${note}; API allowlist already as declared`;
  }
  const steps = [
    ...(add.length > 0 ? [`add ${entryTexts(add).join(", ")}`] : []),
    ...(remove.length > 0 ? [`remove ${entryTexts(remove).join(", ")}`] : []),
  ];
  return `${note}; API allowlist: ${steps.join("; ")}`;
}

/**
 * PATCHes api_enabled, keeps the directory in step and says what changed (an audit line on the
 * resource). Never turns off the running key's own user. A 404 means the user is gone.
 */
async function applyApiEnabled(
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

type AllowlistOutputs = Pick<AccessOutputs, "allowedIps" | "initialAllowedIps">;

function declaredAllowlist(declared: DeclaredAccess): AllowlistEntry[] | undefined {
  if (declared.allowedIps === UNKNOWN) throw new ExpectedFailure("allowedIps is not known yet");
  return declared.allowedIps;
}

/** Stored canonical texts back into entries (they were validated when they were declared). */
function storedEntries(texts: readonly string[]): AllowlistEntry[] {
  return texts.flatMap((text) => {
    const parsed = parseEntry(text);
    return parsed.ok ? [parsed.entry] : [];
  });
}

/**
 * Makes the user's allowlist the declared one (adds before removes), when it is managed, and
 * returns the allowlist outputs. `initial` is what the list held before this stack managed it.
 */
async function applyAllowlist(
  rt: Runtime,
  urn: string | undefined,
  user: VultrUser,
  declared: DeclaredAccess,
  initial: string[] | undefined,
): Promise<AllowlistOutputs> {
  const target = declaredAllowlist(declared);
  if (target === undefined) return {};
  const found = entryTexts(await rt.allowlists.get(user.id));
  await rt.allowlists.apply(user, target, (line) => say("info", urn, line));
  return { allowedIps: entryTexts(target), initialAllowedIps: initial ?? found };
}

/** The outputs to store: the resource's own and the hidden bookkeeping read and delete need. */
function outputsToStore(
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
    urn: urnOf(news),
    inputs: publicInputs(news),
    fleetSize: declared.fleetSize,
  });
}

export const handlers = {
  configure(request: dynamic.ConfigureRequest): Promise<void> {
    setConfig(request.config);
    return Promise.resolve();
  },

  async check(
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<dynamic.CheckResult> {
    return handle(async () => {
      const { inputs, failures } = validateInputs(news);
      noteFleetSize(inputs.fleetSize, "declared");
      if (failures.length > 0) return { inputs: news, failures };
      const urn = urnOf(news);
      // The old inputs name this user: it was managed, and has gone since.
      const managedBefore = typeof olds.userId === "string" && olds.userId === inputs.userId;
      const resolved = await resolveUser(inputs, managedBefore);
      if (resolved.failures.length > 0) return { inputs: news, failures: resolved.failures };
      if (resolved.user !== undefined) {
        const conflicts = claimUser(resolved.user, urn, inputs);
        if (conflicts.length > 0) return { inputs: news, failures: conflicts };
        // A new resource: only check runs in preview, so this is where a reviewer learns whose
        // access the adoption changes.
        if (Object.keys(olds).length === 0 && !isUnknown(inputs.apiEnabled)) {
          say("info", urn, await adoptionPlan(resolved.user, inputs));
        }
      }
      const { fleetSize, allowedIps, ...checked } = inputs;
      const hidden = {
        // Stored as canonical texts: what diff, create and update read back, and what
        // `preview --diff` shows.
        ...(allowedIps === undefined
          ? {}
          : { allowedIps: allowedIps === UNKNOWN ? UNKNOWN : entryTexts(allowedIps) }),
        ...(urn === undefined ? {} : { __urn: urn }),
      };
      return {
        inputs:
          fleetSize === undefined
            ? { ...checked, ...hidden }
            : { ...checked, ...hidden, [FLEET_SIZE_KEY]: fleetSize },
      };
    });
  },

  async diff(
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<dynamic.DiffResult> {
    return handle(async () => {
      const stored = storedState(id, olds);
      const declared = declaredInputs(news);
      const urn = urnOf(news) ?? stored.urn;
      const retargeted =
        declared.userId !== undefined &&
        !isUnknown(declared.userId) &&
        declared.userId !== stored.outs.userId;
      const rt = runtime();
      const live = isUnknown(declared.userId)
        ? undefined
        : await rt.directory.get(stored.outs.userId);
      if (retargeted) {
        // The replace creates the new declaration first and releases this user at the end:
        // whoever adopts this user meanwhile takes over the value it had before this stack.
        deployment.recordRelease(stored.outs.userId, {
          from: resourceRef(stored.urn ?? urn, TYPE_NAME),
          initialApiEnabled: stored.outs.initialApiEnabled,
          ...(stored.outs.initialAllowedIps === undefined
            ? {}
            : { initialAllowedIps: stored.outs.initialAllowedIps }),
        });
        const next = await rt.directory.get(declared.userId ?? "");
        say("warning", urn, replaceNote(stored.outs, declared, live, next));
        return {
          changes: true,
          replaces: [declared.email !== undefined ? "email" : "userId"],
          deleteBeforeReplace: false,
        };
      }
      const decision = decideDiff(stored.outs, declared, live, stored.declaredApiEnabled);
      const allowlist =
        live === undefined
          ? { changes: false, notes: [] }
          : decideAllowlist(
              describeUser(live),
              stored.outs,
              declared.allowedIps,
              Array.isArray(declared.allowedIps) ? await rt.allowlists.get(live.id) : undefined,
            );
      for (const note of [...decision.notes, ...allowlist.notes]) say("warning", urn, note);
      // Always explicit: `changes: undefined` makes the engine diff the serialized provider
      // text too, so every provider upgrade would show as an update (pulumi/pulumi#12401).
      return {
        changes: decision.changes || allowlist.changes,
        replaces: decision.replaces,
        deleteBeforeReplace: false,
      };
    });
  },

  async create(news: Record<string, unknown>): Promise<dynamic.CreateResult> {
    return handle(async () => {
      const declared = declaredInputs(news);
      const urn = urnOf(news);
      const rt = runtime();
      const live =
        declared.userId !== undefined
          ? await rt.directory.get(declared.userId)
          : await rt.directory.findByEmail(declared.email ?? "");
      if (live === undefined) {
        throw userGone(declared.userId ?? declared.email ?? "", await rt.directory.total());
      }
      if (declared.email !== undefined && live.email.trim().toLowerCase() !== declared.email) {
        throw new ExpectedFailure(
          `userId ${live.id} is Vultr user ${live.email}, but email says ${declared.email}: set one of them, or both naming the same user`,
        );
      }
      const value = declaredValue(declared);
      // Taking a user over from a resource this deployment is replacing away from it: what the
      // user had before this stack is what that resource found, not what it applied since.
      const release = deployment.releaseOf(live.id);
      const allowlist = await applyAllowlist(rt, urn, live, declared, release?.initialAllowedIps);
      const target = patchNeeded(live, value);
      if (target !== undefined) await applyApiEnabled(rt, urn, live, target, "adopted");
      deployment.recordManaged(live.id, resourceRef(urn, TYPE_NAME));
      const initialApiEnabled = release?.initialApiEnabled ?? live.apiEnabled;
      return {
        id: live.id,
        outs: outputsToStore(live, value, initialApiEnabled, news, declared, allowlist),
      };
    });
  },

  async read(id: string, props?: Record<string, unknown>): Promise<dynamic.ReadResult> {
    return handle(
      async () => {
        // Stored state first: it carries the fleet size that tells the directory what is cheaper.
        const stored = storedState(id, props ?? {});
        const rt = runtime();
        const live = await rt.directory.get(stored.outs.userId);
        // An empty id tells the engine the resource is gone: refresh drops it from the state.
        if (live === undefined) return { id: "" };
        const liveAllowlist =
          stored.outs.allowedIps === undefined
            ? undefined
            : entryTexts(await rt.allowlists.get(live.id));
        return { id: live.id, ...refreshed(stored, live, liveAllowlist) };
      },
      { storedConfiguration: true },
    );
  },

  async update(
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<dynamic.UpdateResult> {
    return handle(async () => {
      const stored = storedState(id, olds);
      const declared = declaredInputs(news);
      const urn = urnOf(news) ?? stored.urn;
      const rt = runtime();
      const live = await rt.directory.get(stored.outs.userId);
      if (live === undefined) throw userGone(describeUser(stored.outs), await rt.directory.total());
      const value = declaredValue(declared);
      const initialAllowedIps =
        stored.outs.allowedIps === undefined ? undefined : stored.outs.initialAllowedIps;
      const allowlist = await applyAllowlist(rt, urn, live, declared, initialAllowedIps);
      const target = patchNeeded(live, value);
      if (target !== undefined) await applyApiEnabled(rt, urn, live, target, "updated");
      deployment.recordManaged(live.id, resourceRef(urn, TYPE_NAME));
      const initial = stored.outs.initialApiEnabled;
      // Always the full outputs: an update that returns none wipes them (pulumi/pulumi#9982).
      return { outs: outputsToStore(live, value, initial, news, declared, allowlist) };
    });
  },

  async delete(id: string, props: Record<string, unknown>): Promise<void> {
    return handle(
      async () => {
        const stored = storedState(id, props);
        const { userId } = stored.outs;
        // A rename without an alias, or a swap, adopted this user under another resource
        // earlier in this deployment: releasing it now would undo that declaration.
        const manager = deployment.managerOf(userId);
        if (manager !== undefined && !isSameResource(manager, stored.urn)) {
          say(
            "info",
            stored.urn,
            `released: Vultr user ${describeUser(stored.outs)} is now managed by UserApiAccess "${manager.name}"; nothing changed`,
          );
          return;
        }
        const rt = runtime();
        const live = await rt.directory.get(userId);
        if (live === undefined) return;
        const why = `removed (onDelete "${stored.outs.onDelete}")`;
        try {
          const { allowedIps, initialAllowedIps, onDelete } = stored.outs;
          if (
            onDelete === "restore" &&
            allowedIps !== undefined &&
            initialAllowedIps !== undefined
          ) {
            const restore = storedEntries(initialAllowedIps);
            await rt.allowlists.apply(live, restore, (line) =>
              say("info", stored.urn, `${why}: ${line}`),
            );
          }
          const target = deleteTarget(stored.outs, live);
          if (target !== undefined) await applyApiEnabled(rt, stored.urn, live, target, why);
        } catch (error) {
          // Deleted in Vultr between the read and the write: nothing left to release.
          if (isVultrApiError(error) && error.status === 404 && /user/i.test(error.vultrMessage)) {
            return;
          }
          throw error;
        }
      },
      { storedConfiguration: true },
    );
  },
} satisfies dynamic.ResourceProvider;

/**
 * What refresh records: the live values as outputs, and the inputs as declared but with the
 * live `apiEnabled` (and allowlist), so that the engine shows drift as `apiEnabled: true => false`
 * (and no phantom change of how the user was named).
 */
function refreshed(
  stored: StoredState,
  live: VultrUser,
  liveAllowlist: string[] | undefined,
): { props: Record<string, unknown>; inputs: Record<string, unknown> } {
  const outs: AccessOutputs = {
    ...outputsFor(live, live.apiEnabled, stored.outs.initialApiEnabled, stored.outs.onDelete),
    ...(liveAllowlist === undefined ? {} : { allowedIps: liveAllowlist }),
    ...(stored.outs.initialAllowedIps === undefined
      ? {}
      : { initialAllowedIps: stored.outs.initialAllowedIps }),
  };
  const declaredInputsNow = stored.inputs ?? { userId: live.id, onDelete: stored.outs.onDelete };
  const props = stateToStore(outs, {
    urn: stored.urn,
    inputs: stored.inputs,
    fleetSize: stored.fleetSize,
  });
  const inputs = {
    ...declaredInputsNow,
    apiEnabled: live.apiEnabled,
    ...(liveAllowlist === undefined ? {} : { allowedIps: liveAllowlist }),
  };
  return { props, inputs };
}
