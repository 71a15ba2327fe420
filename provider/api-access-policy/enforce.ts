/**
 * ApiAccessPolicy's writes: what create and update do once the plan is known and the guards let
 * it go ahead.
 */
import { deployment } from "../account/deployment";
import { describeUser } from "../account/naming";
import { account } from "../account/runtime";
import { isVultrApiError } from "../client/errors";
import type { VultrUser } from "../client/types";
import { ExpectedFailure, withInitFailure } from "../engine/handler-support";
import { forecast, say } from "../engine/messages";
import {
  declaredPolicy,
  evaluate,
  guardFailures,
  outputsFor,
  policyName,
  refuseIfGuarded,
} from "./evaluate";
import { notes, type PolicyPlan } from "./plan";
import { policyStateToStore } from "./stored";
import { POLICY_ID } from "./types";

/**
 * Create and update: disable each violator, one PATCH each, an audit line each. A failure part
 * way carries the outputs of what was done (an init failure), so state records whom it disabled.
 */
export async function enforcePolicy(
  news: Record<string, unknown>,
  urn: string | undefined,
): Promise<Record<string, unknown>> {
  const declared = declaredPolicy(news);
  const policy = policyName(urn);
  const rt = account();
  const ev = await evaluate(rt, declared, news);
  if (ev.pending !== false) throw new ExpectedFailure("ApiAccessPolicy inputs are not known yet");
  for (const user of ev.plan.violators.filter((v) => !ev.plan.toDisable.includes(v))) {
    const note = ev.plan.skippedAdmins.includes(user)
      ? notes.skippedAdmin(user)
      : notes.reportOnly(user);
    // Said by this pass's check or diff too: once per command, and once per `up` (its preview).
    forecast("warning", urn, note);
  }
  refuseIfGuarded(await guardFailures(rt, ev, policy));
  const disabled: VultrUser[] = [];
  for (const user of ev.plan.toDisable) {
    try {
      await rt.client.setApiEnabled(user.id, false);
    } catch (error) {
      if (isVultrApiError(error) && error.status === 404) {
        // Deleted since the list was read: nobody left to disable.
        rt.directory.forget(user.id);
        continue;
      }
      // The engine keeps these outputs (ErrorResourceInitFailed): state records whom it disabled.
      const properties = policyStateToStore(outputsFor(ev, disabled), urn);
      const failure = new ExpectedFailure(partialFailure(error, policy, disabled, ev.plan, user));
      throw withInitFailure(failure, { id: POLICY_ID, properties });
    }
    rt.directory.recordApiEnabled(user.id, false);
    deployment.recordDisabledByPolicy(user.id);
    disabled.push(user);
    say("info", urn, notes.disabled(user, policy));
  }
  return policyStateToStore(outputsFor(ev, disabled), urn);
}

function partialFailure(
  error: unknown,
  policy: string,
  disabled: readonly VultrUser[],
  plan: PolicyPlan,
  failed: VultrUser,
): string {
  const reason = error instanceof Error ? error.message : String(error);
  const left = plan.toDisable.filter((user) => !disabled.includes(user));
  const done =
    disabled.length === 0
      ? "none disabled yet"
      : `disabled so far: ${disabled.map(describeUser).join(", ")}`;
  return (
    `ApiAccessPolicy "${policy}" could not disable API access of ${describeUser(failed)}: ${reason} — ` +
    `${done}; still to disable: ${left.map(describeUser).join(", ")}. Run \`pulumi up\` again to finish`
  );
}
