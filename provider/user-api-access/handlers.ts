/**
 * The UserApiAccess handlers: the imperative shell. Each one fetches what it needs through the
 * directory, asks the pure core what to do, does it, and says what it did on the resource.
 * Plain data in and out (`../engine/outcomes`); `../dynamic.ts` serves them to the engine.
 */
import { entryTexts } from "../account/allowlist-book";
import { deployment, isSameResource, resourceRef } from "../account/deployment";
import { FLEET_SIZE_KEY, noteFleetSize } from "../account/fleet";
import { describeUser } from "../account/naming";
import { account } from "../account/runtime";
import { redundantEntries } from "../allowlist";
import { isVultrApiError } from "../client/errors";
import { ExpectedFailure, withInitFailure } from "../engine/handler-support";
import { forecast, say } from "../engine/messages";
import { failureText, type ResourceHandlers } from "../engine/outcomes";
import { isUnknown, UNKNOWN } from "../values/unknown";
import { decideAllowlist } from "./allowlist-plan";
import { refuseDeclaredLockout, refuseRelease, releaseWarning } from "./lockout";
import { decideDiff, deleteTarget, patchNeeded, replaceNote } from "./plan";
import { checkAdoption, claimUser, resolveUser, TYPE_NAME, userGone } from "./resolve";
import { stateUpgrade, storedState } from "./stored-state";
import type { DeclaredAccess } from "./types";
import { validateInputs } from "./validate";
import {
  applyAllowlist,
  applyApiEnabled,
  outputsToStore,
  partialAdoption,
  recorded,
  refreshed,
  sayReleased,
  storedEntries,
  type AllowlistOutputs,
} from "./writes";

/**
 * The declaration for diff, create and update (and its fleet size noted). The engine runs check
 * first, so failures here mean check was bypassed; acting on them could revoke access on a
 * misread value.
 */
function declaredInputs(news: Record<string, unknown>): DeclaredAccess {
  const { inputs, failures } = validateInputs(news);
  if (failures.length > 0) {
    throw new ExpectedFailure(
      `Invalid UserApiAccess inputs: ${failures.map(failureText).join("; ")}`,
    );
  }
  noteFleetSize(inputs.fleetSize, "declared");
  return inputs;
}

function declaredValue(news: DeclaredAccess): boolean {
  if (news.apiEnabled === UNKNOWN) throw new ExpectedFailure("apiEnabled is not known yet");
  return news.apiEnabled;
}

export const userApiAccess = {
  async check(olds, news, step) {
    const { inputs, failures } = validateInputs(news);
    noteFleetSize(inputs.fleetSize, "declared");
    if (failures.length > 0) return { inputs: news, failures };
    const { urn } = step;
    // The old inputs name this user: it was managed, and has gone since.
    const managedBefore = typeof olds.userId === "string" && olds.userId === inputs.userId;
    const resolved = await resolveUser(inputs, managedBefore, news, urn);
    if (resolved.failures.length > 0) return { inputs: news, failures: resolved.failures };
    if (resolved.user !== undefined) {
      const conflicts = claimUser(resolved.user, urn, inputs);
      if (conflicts.length > 0) return { inputs: news, failures: conflicts };
      // A new resource: only check runs in preview, so this is where a reviewer learns whose
      // access the adoption changes, and where a lock-out of the running key is refused.
      if (Object.keys(olds).length === 0) {
        const refused = await checkAdoption(resolved.user, urn, inputs);
        if (refused.length > 0) return { inputs: news, failures: refused };
      }
    }
    for (const note of redundantEntries(news.allowedIps)) forecast("warning", urn, note);
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
  },

  async diff(id, olds, news, step) {
    const stored = storedState(id, olds);
    const declared = declaredInputs(news);
    const urn = step.urn ?? stored.urn;
    const retargeted =
      declared.userId !== undefined &&
      !isUnknown(declared.userId) &&
      declared.userId !== stored.outs.userId;
    const rt = account();
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
      if (next !== undefined) await refuseDeclaredLockout(rt, next, declared);
      forecast("warning", urn, replaceNote(stored.outs, declared, live, next));
      const release = live === undefined ? undefined : await releaseWarning(rt, live, stored.outs);
      if (release !== undefined) forecast("warning", urn, release);
      return {
        changes: true,
        replaces: [declared.email !== undefined ? "email" : "userId"],
        deleteBeforeReplace: false,
      };
    }
    const decision = decideDiff(stored.outs, declared, live, stored.declaredApiEnabled);
    const allowlist =
      live === undefined
        ? { changes: false, notes: [], info: [] }
        : decideAllowlist(
            describeUser(live),
            stored.outs,
            declared.allowedIps,
            Array.isArray(declared.allowedIps) ? await rt.allowlists.get(live.id) : undefined,
            stored.declaredAllowedIps ?? stored.outs.allowedIps,
          );
    // What up would refuse, preview refuses: before any note of what up will do.
    if (live !== undefined) await refuseDeclaredLockout(rt, live, declared);
    // Drift is a warning; what a changed declaration will do is information.
    for (const note of [...decision.notes, ...allowlist.notes]) forecast("warning", urn, note);
    for (const note of [...decision.info, ...allowlist.info]) forecast("info", urn, note);
    const upgrade = stateUpgrade(stored, step.urn);
    if (upgrade !== undefined) forecast("info", urn, upgrade);
    // Always explicit: `changes: undefined` makes the engine diff the serialized provider
    // text too, so every provider upgrade would show as an update (pulumi/pulumi#12401).
    return {
      changes: decision.changes || allowlist.changes || upgrade !== undefined,
      replaces: decision.replaces,
      deleteBeforeReplace: false,
    };
  },

  async create(news, step) {
    const declared = declaredInputs(news);
    const { urn } = step;
    const rt = account();
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
    // user had before this stack is what that resource found, not what it applied since; a
    // user the policy turned off earlier in this deployment had API access before it.
    const release = deployment.releaseOf(live.id);
    const initialApiEnabled =
      release?.initialApiEnabled ?? (deployment.disabledByPolicy(live.id) || live.apiEnabled);
    const found = Array.isArray(declared.allowedIps)
      ? (release?.initialAllowedIps ?? entryTexts(await rt.allowlists.get(live.id)))
      : [];
    await refuseDeclaredLockout(rt, live, declared);
    let wrote = false;
    let allowlist: AllowlistOutputs;
    try {
      allowlist = await applyAllowlist(rt, urn, live, declared, found, () => (wrote = true));
      const target = patchNeeded(live, value);
      if (target !== undefined) await applyApiEnabled(rt, urn, live, target, "adopted");
    } catch (error) {
      if (!wrote) throw error;
      const initial = { apiEnabled: initialApiEnabled, allowedIps: found };
      throw withInitFailure(error, await partialAdoption(rt, urn, live, news, declared, initial));
    }
    deployment.recordManaged(live.id, {
      ...resourceRef(urn, TYPE_NAME),
      ...recorded(initialApiEnabled, allowlist, declared),
    });
    return {
      id: live.id,
      outs: outputsToStore(urn, live, value, initialApiEnabled, news, declared, allowlist),
    };
  },

  async read(id, props) {
    // Stored state first: it carries the fleet size that tells the directory what is cheaper.
    const stored = storedState(id, props);
    const rt = account();
    const live = await rt.directory.get(stored.outs.userId);
    // An empty id tells the engine the resource is gone: refresh drops it from the state.
    if (live === undefined) return { id: "" };
    const liveAllowlist =
      stored.outs.allowedIps === undefined
        ? undefined
        : entryTexts(await rt.allowlists.get(live.id));
    return { id: live.id, ...refreshed(stored, live, liveAllowlist) };
  },

  async update(id, olds, news, step) {
    const stored = storedState(id, olds);
    const declared = declaredInputs(news);
    const urn = step.urn ?? stored.urn;
    const rt = account();
    const live = await rt.directory.get(stored.outs.userId);
    if (live === undefined) throw userGone(describeUser(stored.outs), await rt.directory.total());
    const value = declaredValue(declared);
    await refuseDeclaredLockout(rt, live, declared);
    const initialAllowedIps =
      stored.outs.allowedIps === undefined ? undefined : stored.outs.initialAllowedIps;
    const allowlist = await applyAllowlist(rt, urn, live, declared, initialAllowedIps);
    const target = patchNeeded(live, value);
    if (target !== undefined) await applyApiEnabled(rt, urn, live, target, "updated");
    const initial = stored.outs.initialApiEnabled;
    deployment.recordManaged(live.id, {
      ...resourceRef(urn, TYPE_NAME),
      ...recorded(initial, allowlist, declared),
    });
    // Always the full outputs: an update that returns none wipes them (pulumi/pulumi#9982).
    return { outs: outputsToStore(step.urn, live, value, initial, news, declared, allowlist) };
  },

  async delete(id, props) {
    const stored = storedState(id, props);
    const { userId } = stored.outs;
    // A rename without an alias, or a swap, adopted this user under another resource
    // earlier in this deployment: releasing it now would undo that declaration.
    const manager = deployment.managerOf(userId);
    if (manager !== undefined && !isSameResource(manager, stored.urn)) {
      sayReleased(stored, manager);
      return;
    }
    const rt = account();
    const live = await rt.directory.get(userId);
    if (live === undefined) return;
    const why = `removed (onDelete "${stored.outs.onDelete}")`;
    const target = deleteTarget(stored.outs, live);
    try {
      await refuseRelease(rt, live, stored.outs, target);
      const { allowedIps, initialAllowedIps, onDelete } = stored.outs;
      if (onDelete === "restore" && allowedIps !== undefined && initialAllowedIps !== undefined) {
        const restore = storedEntries(initialAllowedIps);
        await rt.allowlists.apply(live, restore, (line) =>
          say("info", stored.urn, `${why}: ${line}`),
        );
      }
      if (target !== undefined) await applyApiEnabled(rt, stored.urn, live, target, why);
    } catch (error) {
      // Deleted in Vultr between the read and the write: nothing left to release.
      if (isVultrApiError(error) && error.status === 404 && /user/i.test(error.vultrMessage)) {
        return;
      }
      throw error;
    }
  },
} satisfies ResourceHandlers;
