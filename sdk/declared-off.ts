/**
 * The users this program's UserApiAccess resources turn off, for the program's ApiAccessPolicy:
 * such a user is its UserApiAccess's to write, so the policy must neither count it against
 * `maxDisabled` nor disable it (it would, in whatever order the engine runs the two). Only the
 * program sees every resource; the policy receives the list as the hidden input `__declaredOff`.
 */
import * as pulumi from "@pulumi/pulumi";

/** Ids and emails as declared; a value still to come stays an input, resolved by the engine. */
const declaredOff: pulumi.Input<string>[] = [];

/** Notes a UserApiAccess declaration whose `apiEnabled` is, or may turn out to be, false. */
export function claimDenial(
  userId: pulumi.Input<string> | undefined,
  email: pulumi.Input<string> | undefined,
  apiEnabled: pulumi.Input<boolean>,
): void {
  if (apiEnabled === true) return;
  for (const key of [userId, email]) {
    if (key === undefined || key === null || key === "") continue;
    // An `apiEnabled` still to come: "" when it turns out true (the provider skips it).
    declaredOff.push(
      apiEnabled === false
        ? key
        : pulumi.all([key, apiEnabled]).apply(([value, on]) => (on === false ? value : "")),
    );
  }
}

/**
 * The list once the program's synchronous declarations are done, so a UserApiAccess declared
 * after the policy is in it too (the same moment the fleet size is counted at).
 */
export function declaredOffList(): Promise<pulumi.Input<string>[]> {
  return new Promise((resolve) => setImmediate(() => resolve([...declaredOff])));
}
