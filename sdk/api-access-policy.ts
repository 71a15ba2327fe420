import * as pulumi from "@pulumi/pulumi";
import { declaredOffList } from "./declared-off";
import { policyShim } from "./provider-shim";
import { claimPolicy } from "./targets";

/** The type token Pulumi registers the resource under. */
export const API_ACCESS_POLICY_TYPE = "pulumi-nodejs:dynamic/vultr:ApiAccessPolicy";

/** A user as the policy's outputs name it. */
export interface PolicyUser {
  userId: string;
  email: string;
}

/** The arguments of the ApiAccessPolicy resource. */
export interface ApiAccessPolicyArgs {
  /** User ids or emails that may keep API access. Required; the policy never grants access. */
  allowed: pulumi.Input<pulumi.Input<string>[]>;
  /** User ids or emails the policy never touches (reported in `exemptUserIds`). */
  exempt?: pulumi.Input<pulumi.Input<string>[]>;
  /** The most users one update may disable; more fails the update before any write. @default 5 */
  maxDisabled?: pulumi.Input<number>;
  /** `false`: report violators (outputs, messages) and write nothing. @default true */
  enforce?: pulumi.Input<boolean>;
  /** Also disable violators holding `manage_users`. @default false */
  includeAdmins?: pulumi.Input<boolean>;
}

/**
 * Only these users may use the Vultr API: every `pulumi up` turns API access off for users
 * outside `allowed` ∪ `exempt` ("violators"), and every preview lists them. It restricts and
 * never grants — giving access stays the job of `UserApiAccess`, and a `UserApiAccess` granting
 * access to a user the policy does not allow is refused. At most one policy per program.
 *
 * Guards fail the update before any write: more violators than `maxDisabled`, or the running
 * key's own user among them. Violators holding `manage_users` are left alone (and reported in
 * `skippedAdmins`) unless `includeAdmins: true`. Removing the policy writes nothing.
 *
 * A user whose `UserApiAccess` in this program declares `apiEnabled: false` is left to that
 * resource: not counted against `maxDisabled`, not written by the policy, not a violator.
 *
 * @example
 * ```ts
 * import { ApiAccessPolicy, UserApiAccess } from "pulumi-vultr-user-access";
 *
 * const ciBot = new UserApiAccess("ci-bot", { email: "ci@example.com", apiEnabled: true });
 * new ApiAccessPolicy("api-access", {
 *   allowed: [ciBot.userId, "deploy@example.com"],
 *   exempt: ["ops-lead@example.com"],
 * });
 * ```
 */
export class ApiAccessPolicy extends pulumi.dynamic.Resource {
  /** Users with API access outside `allowed` ∪ `exempt` when the last update looked. */
  declare readonly violators: pulumi.Output<PolicyUser[]>;
  /** Whom the last update disabled. */
  declare readonly disabled: pulumi.Output<PolicyUser[]>;
  /** Violators holding `manage_users`, left alone because `includeAdmins` is false. */
  declare readonly skippedAdmins: pulumi.Output<PolicyUser[]>;
  /** `allowed`, resolved to user ids (lower-case, sorted). */
  declare readonly allowedUserIds: pulumi.Output<string[]>;
  /** `exempt`, resolved to user ids (lower-case, sorted). */
  declare readonly exemptUserIds: pulumi.Output<string[]>;
  declare readonly enforce: pulumi.Output<boolean>;
  declare readonly maxDisabled: pulumi.Output<number>;
  declare readonly includeAdmins: pulumi.Output<boolean>;

  constructor(name: string, args: ApiAccessPolicyArgs, opts?: pulumi.CustomResourceOptions) {
    // Plain lists are checked against the program's UserApiAccess grants right here; values
    // still to come are checked by the provider, which sees both once they are known.
    claimPolicy(name, args.allowed, args.exempt);
    super(
      policyShim,
      name,
      {
        // Seeded so that every output exists; the provider fills them.
        violators: undefined,
        disabled: undefined,
        skippedAdmins: undefined,
        allowedUserIds: undefined,
        exemptUserIds: undefined,
        enforce: undefined,
        maxDisabled: undefined,
        includeAdmins: undefined,
        ...args,
        // The users the program's UserApiAccess resources turn off: theirs, not the policy's.
        __declaredOff: declaredOffList(),
        __urn: pulumi.createUrn(name, API_ACCESS_POLICY_TYPE, opts?.parent),
        // Whether this run is a preview (see UserApiAccess); check drops it.
        __preview: pulumi.runtime.isDryRun(),
      },
      opts,
      "vultr",
      "ApiAccessPolicy",
    );
  }
}
