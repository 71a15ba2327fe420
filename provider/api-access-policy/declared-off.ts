/**
 * The users this program's UserApiAccess resources turn off (`apiEnabled: false`). Such a user is
 * that resource's to write, not the policy's: the policy neither counts it against `maxDisabled`
 * nor disables it, and does not list it as a violator, since it is off after the `up`.
 *
 * The policy learns of them two ways. The SDK, which sees every resource of the program, passes
 * their ids and emails as the hidden input `__declaredOff` (an element not known yet during
 * preview arrives as UNKNOWN; "" is a declaration whose `apiEnabled` turned out true). And this
 * process's deployment record holds what the UserApiAccess checks that ran before declared.
 * A stack deployed before `__declaredOff` existed has none in its inputs: that is an empty list.
 */
import { deployment } from "../account/deployment";
import { normalizeEmail } from "../account/naming";
import type { VultrUser } from "../client/types";
import { UNKNOWN } from "../values/unknown";

export const DECLARED_OFF_KEY = "__declaredOff";

export interface DeclaredOff {
  /** Lower-case user ids. */
  ids: ReadonlySet<string>;
  /** Normalized emails. */
  emails: ReadonlySet<string>;
  /** Some declaration is not known yet (preview): it may turn off any user. */
  pending: boolean;
}

export const NONE_DECLARED_OFF: DeclaredOff = { ids: new Set(), emails: new Set(), pending: false };

/** `__declaredOff` as the SDK passed it, with the ids the deployment record adds. */
export function declaredOffOf(
  news: Record<string, unknown>,
  alsoIds: Iterable<string> = [],
): DeclaredOff {
  const value = news[DECLARED_OFF_KEY];
  const ids = new Set([...alsoIds].map((id) => id.toLowerCase()));
  const emails = new Set<string>();
  if (value === UNKNOWN) return { ids, emails, pending: true };
  let pending = false;
  for (const entry of Array.isArray(value) ? (value as unknown[]) : []) {
    if (entry === UNKNOWN) {
      pending = true;
    } else if (typeof entry === "string" && entry.trim() !== "") {
      if (entry.includes("@")) emails.add(normalizeEmail(entry));
      else ids.add(entry.trim().toLowerCase());
    }
  }
  return { ids, emails, pending };
}

export function isDeclaredOff(user: VultrUser, off: DeclaredOff): boolean {
  return off.ids.has(user.id.toLowerCase()) || off.emails.has(normalizeEmail(user.email));
}

/**
 * As the SDK listed them, and as the UserApiAccess checks of this process recorded them (a
 * declaration the SDK could not see: made after an `await`, or inside an `apply`).
 */
export function declaredOffInProgram(news: Record<string, unknown>): DeclaredOff {
  const checked = deployment
    .declaredAccess()
    .filter((declaration) => !declaration.apiEnabled)
    .map((declaration) => declaration.userId);
  return declaredOffOf(news, checked);
}
