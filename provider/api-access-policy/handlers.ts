/**
 * The ApiAccessPolicy handlers: the imperative shell over the policy's pure core. Each reads the
 * account through the directory UserApiAccess shares (one list read per process for both), asks
 * the core what to do, does it, and says what it did on the policy resource. Plain data in and
 * out (`../engine/outcomes`); `../dynamic.ts` serves them to the engine.
 */
import { deployment, resourceRef } from "../account/deployment";
import { account } from "../account/runtime";
import { forecast, say } from "../engine/messages";
import type { ResourceHandlers } from "../engine/outcomes";
import { enforcePolicy } from "./enforce";
import {
  conflictsWith,
  declaredPolicy,
  evaluate,
  guardFailures,
  outputsFor,
  policyName,
  refuseIfGuarded,
} from "./evaluate";
import { changesPlanned, planNotes, planPolicy, policyUser, type Resolution } from "./plan";
import { resolveEntries } from "./resolve";
import { policyStateToStore, storedPolicy } from "./stored";
import { POLICY_ID, POLICY_TYPE_NAME, type PolicyOutputs } from "./types";
import { hasPendingEntries, validatePolicyInputs } from "./validate";

export const apiAccessPolicy = {
  async check(olds, news, step) {
    const { inputs, failures } = validatePolicyInputs(news);
    if (failures.length > 0) return { inputs: news, failures };
    const { urn } = step;
    const policy = policyName(urn);
    const rt = account();
    // The whole list first: every entry is then looked up in it, not read one by one.
    await rt.directory.all();
    const resolved = await resolveEntries(rt.directory, inputs);
    if (resolved.failures.length > 0) return { inputs: news, failures: resolved.failures };
    const { resolution } = resolved;
    if (!hasPendingEntries(inputs)) {
      const conflicts = await conflictsWith(rt, resolution, policy);
      if (conflicts.length > 0) return { inputs: news, failures: conflicts };
      deployment.recordPolicy({
        by: resourceRef(urn, POLICY_TYPE_NAME),
        allowed: resolution.allowed,
        exempt: resolution.exempt,
      });
    }
    // A new policy: only check runs in preview, so this is where a reviewer sees every
    // violator before exclusivity is switched on.
    if (Object.keys(olds).length === 0) {
      const ev = await evaluate(rt, inputs, news, resolution);
      for (const note of planNotes(ev.plan, ev.pending)) forecast("warning", urn, note);
      if (ev.pending === false) {
        const refusals = await guardFailures(rt, ev, policy);
        if (refusals.length > 0) return { inputs: news, failures: refusals };
      }
    }
    return { inputs: news };
  },

  async diff(_id, olds, news, step) {
    const stored = storedPolicy(olds);
    const declared = declaredPolicy(news);
    const urn = step.urn ?? stored.urn;
    const rt = account();
    const ev = await evaluate(rt, declared, news);
    for (const note of planNotes(ev.plan, ev.pending)) forecast("warning", urn, note);
    if (ev.pending !== false) return { changes: true, replaces: [], deleteBeforeReplace: false };
    refuseIfGuarded(await guardFailures(rt, ev, policyName(urn)));
    // Always explicit: `changes: undefined` makes the engine diff the serialized provider
    // text too, so every provider upgrade would show as an update (pulumi/pulumi#12401).
    return {
      changes: changesPlanned(stored.outs, outputsFor(ev, []), ev.plan),
      replaces: [],
      deleteBeforeReplace: false,
    };
  },

  async create(news, step) {
    return { id: POLICY_ID, outs: await enforcePolicy(news, step.urn) };
  },

  async read(id, props) {
    const stored = storedPolicy(props);
    const rt = account();
    const users = await rt.directory.all();
    const resolution: Resolution = {
      allowed: new Set(stored.outs.allowedUserIds),
      exempt: new Set(stored.outs.exemptUserIds),
      pending: false,
    };
    const plan = planPolicy(users, resolution, stored.outs, new Set());
    const outs: PolicyOutputs = {
      ...stored.outs,
      violators: plan.violators.map(policyUser),
      skippedAdmins: plan.skippedAdmins.map(policyUser),
    };
    return { id, props: policyStateToStore(outs, stored.urn) };
  },

  async update(_id, _olds, news, step) {
    // Always the full outputs: an update that returns none wipes them (pulumi/pulumi#9982).
    return { outs: await enforcePolicy(news, step.urn) };
  },

  delete(_id, props) {
    const { urn } = storedPolicy(props);
    // Stopping enforcement is not a mass change: nobody is re-enabled, nothing is read.
    say(
      "info",
      urn,
      `ApiAccessPolicy "${policyName(urn)}" removed: enforcement stopped; every user's API access left as it is`,
    );
    return Promise.resolve();
  },
} satisfies ResourceHandlers;
