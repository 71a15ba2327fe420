import * as pulumi from "@pulumi/pulumi";
import { keyShim } from "./provider-shim";

/** The type token Pulumi registers the resource under. */
export const USER_API_KEY_TYPE = "pulumi-nodejs:dynamic/vultr:UserApiKey";

/** The arguments of a UserApiKey resource. */
export interface UserApiKeyArgs {
  /** The Vultr user id (a UUID), e.g. `access.userId`. Set this or `email`. */
  userId?: pulumi.Input<string>;
  /** The user's email address, resolved through the account's user list. */
  email?: pulumi.Input<string>;
  /** The key's name in Vultr (at most 64 characters). Changing it replaces the resource. */
  name: pulumi.Input<string>;
  /** Each key expires this many days after it is made (1 to 365). Required. */
  lifetimeDays: pulumi.Input<number>;
  /**
   * Rotate when the current key expires within this many days (judged by Vultr's clock).
   * @default lifetimeDays / 3, rounded down
   */
  rotateBeforeDays?: pulumi.Input<number>;
  /**
   * After a rotation the replaced key stays valid until the next rotation, so workloads can move
   * to the new key. @default true
   */
  keepPrevious?: pulumi.Input<boolean>;
}

/** Plain declarations of one user and name seen in this program. */
const declared = new Map<string, string>();

function claim(name: string, args: UserApiKeyArgs): void {
  const user = typeof args.userId === "string" ? args.userId.toLowerCase() : args.email;
  if (typeof user !== "string" || typeof args.name !== "string") return;
  const key = `${user.trim().toLowerCase()}/${args.name}`;
  const other = declared.get(key);
  if (other !== undefined && other !== name) {
    throw new Error(
      `UserApiKey ${name}: UserApiKey ${other} already declares key ${args.name} of ${user}; one resource per user and key name`,
    );
  }
  declared.set(key, name);
}

/**
 * A named, expiring API key of a Vultr sub-user, rotated as code: each `pulumi up` reads the
 * user's keys and, when the current key expires within `rotateBeforeDays` (by Vultr's clock),
 * makes a new key first and only then retires the old one (`keepPrevious` keeps the replaced
 * key valid until the next rotation). `apiKey` is the clear key, a Pulumi secret.
 *
 * The resource makes its keys; it never adopts existing ones (Vultr shows a key's value only
 * when it is made), and removing it deletes only the keys it made.
 *
 * @example
 * ```ts
 * const bot = new UserApiAccess("ci-bot", { email: "ci@example.com", apiEnabled: true });
 * const key = new UserApiKey("ci-bot-key", { userId: bot.userId, name: "ci", lifetimeDays: 90 });
 * export const ciApiKey = key.apiKey; // a secret
 * ```
 */
export class UserApiKey extends pulumi.dynamic.Resource {
  declare readonly userId: pulumi.Output<string>;
  declare readonly email: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  /** The current key's id in Vultr. */
  declare readonly keyId: pulumi.Output<string>;
  /** The current key in clear text, as Vultr returned it once: a secret. */
  declare readonly apiKey: pulumi.Output<string>;
  /** The current key's last 5 characters, as Vultr's masked listing shows them: `…3f9a2`. */
  declare readonly keyHint: pulumi.Output<string>;
  /** When the current key expires (ISO 8601). */
  declare readonly dateExpire: pulumi.Output<string>;
  /** The replaced key still valid after a rotation ("" when none). */
  declare readonly previousKeyId: pulumi.Output<string>;
  declare readonly previousKeyHint: pulumi.Output<string>;
  declare readonly previousDateExpire: pulumi.Output<string>;
  /** Keys this resource made that the next `up` retires (a failed DELETE, the running key). */
  declare readonly retiringKeyIds: pulumi.Output<string[]>;
  declare readonly lifetimeDays: pulumi.Output<number>;
  declare readonly rotateBeforeDays: pulumi.Output<number>;
  declare readonly keepPrevious: pulumi.Output<boolean>;

  constructor(name: string, args: UserApiKeyArgs, opts?: pulumi.CustomResourceOptions) {
    claim(name, args);
    super(
      keyShim,
      name,
      {
        userId: undefined,
        email: undefined,
        keyId: undefined,
        apiKey: undefined,
        keyHint: undefined,
        dateExpire: undefined,
        previousKeyId: undefined,
        previousKeyHint: undefined,
        previousDateExpire: undefined,
        retiringKeyIds: undefined,
        rotateBeforeDays: undefined,
        keepPrevious: undefined,
        ...args,
        __urn: pulumi.createUrn(name, USER_API_KEY_TYPE, opts?.parent),
        __preview: pulumi.runtime.isDryRun(),
      },
      {
        ...opts,
        additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "apiKey"],
      },
      "vultr",
      "UserApiKey",
    );
  }
}
