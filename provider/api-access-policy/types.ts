/**
 * ApiAccessPolicy's shapes: the declaration after `check`, and the outputs kept in state.
 */
import type { UNKNOWN } from "../values/unknown";

/** How the policy names a user in `allowed` or `exempt`, as checked. */
export type PolicyEntry =
  | { kind: "id"; value: string }
  | { kind: "email"; value: string }
  /** Not known yet: computed from another resource's output during preview. */
  | { kind: "unknown" };

/** The inputs after `check`: validated, defaults applied. */
export interface DeclaredPolicy {
  /** UNKNOWN when the whole list is still to be computed. */
  allowed: PolicyEntry[] | typeof UNKNOWN;
  exempt: PolicyEntry[] | typeof UNKNOWN;
  maxDisabled: number | typeof UNKNOWN;
  enforce: boolean | typeof UNKNOWN;
  includeAdmins: boolean | typeof UNKNOWN;
}

/** A user as the policy's outputs and messages name it. */
export interface PolicyUser {
  userId: string;
  email: string;
}

/** The resource's outputs, as stored in state. */
export interface PolicyOutputs {
  /** Users with API access outside `allowed` ∪ `exempt`, when the last create/update looked. */
  violators: PolicyUser[];
  /** Whom the last create/update disabled. */
  disabled: PolicyUser[];
  /** Violators holding `manage_users`, left alone because `includeAdmins` is false. */
  skippedAdmins: PolicyUser[];
  /** `allowed` resolved to user ids: lower-case, sorted, without duplicates. */
  allowedUserIds: string[];
  exemptUserIds: string[];
  enforce: boolean;
  maxDisabled: number;
  includeAdmins: boolean;
}

export const POLICY_DEFAULTS = {
  maxDisabled: 5,
  enforce: true,
  includeAdmins: false,
} as const satisfies Pick<PolicyOutputs, "maxDisabled" | "enforce" | "includeAdmins">;

/** The policy's resource id: a program has at most one policy, so a constant is stable. */
export const POLICY_ID = "api-access-policy";

export const POLICY_TYPE_NAME = "ApiAccessPolicy";
