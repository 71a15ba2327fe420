/**
 * What UserApiAccess's check finds out about the live account: which user a declaration names
 * (a miss confirmed with the API before it is reported), whether another resource of this
 * deployment already declares that user, and what adopting it will change.
 */
import { compareAllowlists } from "./allowlist";
import { entryTexts } from "./allowlists";
import type { VultrUser } from "./client/types";
import { deployment, policyConflict, resourceRef } from "./deployment";
import { runtime, usersCount } from "./handler-support";
import { say } from "./messages";
import { adoptionNote, describeUser } from "./reconcile";
import { declaredChange, lockoutRefusals } from "./self-revocation";
import { UNKNOWN, type DeclaredAccess } from "./types";
import { isUnknown, type CheckFailure } from "./validate";

export const TYPE_NAME = "UserApiAccess";

/**
 * Resolves the declaration to a live user during check: an email through the list, an id by
 * reading it. A user missing from a snapshot is confirmed with the API before it is reported.
 */
export async function resolveUser(
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
  const rt = runtime();
  const refused = await lockoutRefusals(rt, user, await declaredChange(rt, user, inputs));
  if (refused.length > 0) return refused;
  if (!isUnknown(inputs.apiEnabled)) say("info", urn, await adoptionPlan(user, inputs));
  return [];
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
