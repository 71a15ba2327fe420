import * as pulumi from "@pulumi/pulumi";
import { claimDenial } from "./declared-off";
import { providerShim } from "./provider-shim";
import { claimAccess, claimTarget, countDeclared, declaredCount } from "./targets";

/** The type token Pulumi registers the resource under. */
export const USER_API_ACCESS_TYPE = "pulumi-nodejs:dynamic/vultr:UserApiAccess";

/** What removing the resource does to the user's API access. */
export type OnDeletePolicy = "restore" | "disable" | "retain";

/** The arguments of a UserApiAccess resource. */
export interface UserApiAccessArgs {
  /** The Vultr user id (a UUID). Set this or `email`, or both naming the same user. */
  userId?: pulumi.Input<string>;
  /** The user's email address, resolved to the user id through the account's user list. */
  email?: pulumi.Input<string>;
  /** Whether the user may use the Vultr API. Required: an access decision is never implicit. */
  apiEnabled: pulumi.Input<boolean>;
  /**
   * What removing the resource does: `"restore"` (default) puts back the value the user had
   * when the resource adopted it, `"disable"` revokes API access, `"retain"` leaves it as it is.
   */
  onDelete?: pulumi.Input<OnDeletePolicy>;
  /**
   * Addresses or CIDR ranges (IPv4 or IPv6) from which the user's API keys may be used. Set, the
   * user's API allowlist is managed exactly: entries not listed are removed, including Vultr's
   * default "any IPv4"/"any IPv6" entries unless listed as `0.0.0.0/0` / `::/0`. Unset, the
   * allowlist is neither read nor touched.
   */
  allowedIps?: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * Whether the user may be created by a step this resource waits for: it has `dependsOn`, or its
 * email is not a plain string (an output of another resource, say).
 */
function mayFollowItsUser(
  email: pulumi.Input<string> | undefined,
  opts: pulumi.CustomResourceOptions | undefined,
): boolean {
  const dependsOn = opts?.dependsOn;
  const waits = Array.isArray(dependsOn) ? dependsOn.length > 0 : dependsOn !== undefined;
  return waits || (email !== undefined && typeof email !== "string");
}

/**
 * Declares whether an existing Vultr sub-user may use the Vultr API, and keeps it that way:
 * every `pulumi up` compares the declaration with the live account and repairs drift, and
 * `pulumi preview` shows who gains or loses API access.
 *
 * Creating the resource adopts the user (it never creates or deletes users); removing it
 * applies `onDelete`. The API key comes from the stack secret `vultr:apiKey` or `VULTR_API_KEY`.
 *
 * @example
 * ```ts
 * import { UserApiAccess } from "pulumi-vultr-user-access";
 *
 * new UserApiAccess("ci-bot", { email: "ci@example.com", apiEnabled: true });
 * new UserApiAccess("alice", {
 *   userId: "cb676a46-66fd-4dfb-b839-443f2e6c0b60",
 *   apiEnabled: false,
 *   onDelete: "disable",
 * });
 * ```
 */
export class UserApiAccess extends pulumi.dynamic.Resource {
  /** The Vultr user id; also the resource id. */
  declare readonly userId: pulumi.Output<string>;
  /** The user's email address, as Vultr holds it. */
  declare readonly email: pulumi.Output<string>;
  /** The user's display name. */
  declare readonly name: pulumi.Output<string>;
  /** The API access as applied by the last update (or as read by refresh). */
  declare readonly apiEnabled: pulumi.Output<boolean>;
  /** The user's permissions (read-only), sorted: Vultr may reorder them. */
  declare readonly acls: pulumi.Output<string[]>;
  /** The API access the user had when the resource adopted it. */
  declare readonly initialApiEnabled: pulumi.Output<boolean>;
  /** The policy applied when the resource is removed. */
  declare readonly onDelete: pulumi.Output<OnDeletePolicy>;
  /** The API allowlist as applied (canonical, sorted); undefined when it is not managed. */
  declare readonly allowedIps: pulumi.Output<string[] | undefined>;
  /** The allowlist the user had when the resource began managing it (when managed). */
  declare readonly initialAllowedIps: pulumi.Output<string[] | undefined>;

  constructor(name: string, args: UserApiAccessArgs, opts?: pulumi.CustomResourceOptions) {
    countDeclared();
    // Plain values are claimed at once, so a second declaration of a user fails right where it
    // is written; values still to come (outputs, promises) are claimed when they resolve.
    claimTarget(name, args.userId, args.email);
    claimAccess(name, args.userId, args.email, args.apiEnabled);
    claimDenial(args.userId, args.email, args.apiEnabled);
    // Counted once the program's synchronous declarations are done, so the provider knows the
    // fleet size from the first diff and can choose single reads over listing a large account.
    const fleetSize = pulumi
      .all([args.userId, args.email, new Promise<void>((resolve) => setImmediate(resolve))])
      .apply(([userId, email]) => {
        claimTarget(name, userId, email);
        return declaredCount();
      });
    super(
      providerShim,
      name,
      {
        // Seeded so that every output exists; the provider fills them. (apiEnabled is required.)
        userId: undefined,
        email: undefined,
        name: undefined,
        acls: undefined,
        initialApiEnabled: undefined,
        onDelete: undefined,
        allowedIps: undefined,
        initialAllowedIps: undefined,
        ...args,
        __fleetSize: fleetSize,
        // The handlers are not told which resource they serve; with its URN the provider can
        // say things on the resource's own row and tell two declarations of one user apart.
        __urn: pulumi.createUrn(name, USER_API_ACCESS_TYPE, opts?.parent),
        // Only the program sees that this resource waits for others: a user one of them creates
        // is missing from the account in preview, and the provider's check warns instead of
        // failing. Sent only when true (check never stores it): existing stacks see no change.
        ...(mayFollowItsUser(args.email, opts) ? { __mayBeCreated: true } : {}),
        // Whether this run is a preview: the engine does not tell the provider, which would
        // otherwise say its forecasts again in the update half of `up` (check drops it).
        __preview: pulumi.runtime.isDryRun(),
      },
      opts,
      "vultr",
      "UserApiAccess",
    );
  }
}
