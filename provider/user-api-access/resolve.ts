/**
 * What UserApiAccess's check finds out about the live account: which user a declaration names
 * (a miss confirmed with the API before it is reported), whether another resource of this
 * deployment already declares that user, and what adopting it will change.
 */
import { entryTexts } from "../account/allowlist-book";
import { deployment, policyConflict, resourceRef } from "../account/deployment";
import { lockoutRefusals } from "../account/key-ownership";
import { describeUser, usersCount } from "../account/naming";
import { account } from "../account/runtime";
import { compareAllowlists } from "../allowlist";
import type { VultrUser } from "../client/types";
import { ExpectedFailure } from "../engine/handler-support";
import { forecast, say } from "../engine/messages";
import type { CheckFailure } from "../engine/outcomes";
import { isUnknown, UNKNOWN } from "../values/unknown";
import { declaredChange } from "./lockout";
import { adoptionNote } from "./plan";
import type { DeclaredAccess } from "./types";

export const TYPE_NAME = "UserApiAccess";

/**
 * Set by the SDK when the resource depends on others (`dependsOn`, or an `email` that is an
 * output): a user one of them creates is not in the account before they ran. Check reads it and
 * never returns it, so stored inputs (and diffs of existing stacks) never see it.
 */
export const MAY_BE_CREATED_KEY = "__mayBeCreated";

/** Emails check let pass although absent, as a step of this run may create the user. */
const awaitedEmails = new Set<string>();

/**
 * A create or update found no such user. When check let an email pass for a step this resource
 * depends on, those steps have run by now (and the miss was confirmed with a list read).
 */
export function userGone(who: string, total: number | undefined): ExpectedFailure {
  const holds = total === undefined ? "" : ` (the account holds ${usersCount(total)})`;
  if (awaitedEmails.has(who)) {
    return new ExpectedFailure(
      `no Vultr user has the email ${who}${holds}, even after the steps this resource depends on ran: check the address, and the email the step that creates the user gives it, then run \`pulumi up\` again`,
    );
  }
  return new ExpectedFailure(
    `Vultr user ${who} does not exist in this account${holds}: check the userId or email, ` +
      "or remove the resource from the program and run `pulumi refresh`",
  );
}

/**
 * Resolves the declaration to a live user during check: an email through the list, an id by
 * reading it. A user missing from a snapshot is confirmed with the API before it is reported.
 * An email missing from the account fails check, unless the resource depends on steps that may
 * create that user (MAY_BE_CREATED_KEY): in preview they have not run (in up they ran before this
 * check), so this warns on the resource instead, and create fails if the user is still absent.
 */
export async function resolveUser(
  inputs: DeclaredAccess,
  managedBefore: boolean,
  news: Record<string, unknown>,
  urn: string | undefined,
): Promise<{ user?: VultrUser; failures: CheckFailure[] }> {
  const { email, userId } = inputs;
  // Part of the identity is still to be computed (preview): up checks it once it is known.
  if (isUnknown(userId) || isUnknown(email)) return { failures: [] };
  const { directory } = account();
  if (email !== undefined && !isUnknown(email)) {
    const byEmail = await directory.findByEmail(email);
    if (byEmail === undefined) {
      const holds = `the account holds ${usersCount(await directory.total())}`;
      if (news[MAY_BE_CREATED_KEY] === true && userId === undefined) {
        awaitedEmails.add(email);
        say(
          "warning",
          urn,
          `no Vultr user has the email ${email} yet (${holds}); if an earlier step of this run creates it, up will adopt it, otherwise up fails`,
        );
        return { failures: [] };
      }
      const reason = `no Vultr user has the email ${JSON.stringify(email)} (${holds}); check the address, or create the user first (a user this program creates: make this resource depend on it, with \`dependsOn\` or \`email: user.email\`)`;
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
export function claimUser(
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

/**
 * Check of a new resource (preview runs no diff for it): refuses what would lock the running key
 * out, as create would, and otherwise says what the adoption will change.
 */
export async function checkAdoption(
  user: VultrUser,
  urn: string | undefined,
  inputs: DeclaredAccess,
): Promise<CheckFailure[]> {
  const rt = account();
  const refused = await lockoutRefusals(rt, user, await declaredChange(rt, user, inputs));
  if (refused.length > 0) return refused;
  if (!isUnknown(inputs.apiEnabled)) forecast("info", urn, await adoptionPlan(user, inputs));
  return [];
}

/** What a new resource will do to its user: api_enabled, and the allowlist when declared. */
async function adoptionPlan(user: VultrUser, inputs: DeclaredAccess): Promise<string> {
  const note = adoptionNote(user, inputs.apiEnabled as boolean);
  if (inputs.allowedIps === undefined || inputs.allowedIps === UNKNOWN) return note;
  const live = await account().allowlists.get(user.id);
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
