/**
 * Keys as code: the CI bot may use the API and holds a key that rotates every 90 days, two weeks
 * before it expires; the replaced key stays valid until the next rotation, so the pipelines that
 * read `ciApiKey` have a rotation's time to pick up the new one.
 *
 *   pulumi config set --secret vultr:apiKey <the account owner's key>
 *   pulumi config set ciBotEmail ci@example.com
 *   pulumi up                                   # makes the key
 *   pulumi stack output ciApiKey --show-secrets # hand it to the CI system
 *
 * Run `pulumi up` on a schedule (`weekly-up.yml` here, a GitHub Actions workflow): each run reads
 * the bot's keys once, judges expiry by Vultr's clock, and rotates only when due.
 */
import * as pulumi from "@pulumi/pulumi";
import { UserApiAccess, UserApiKey } from "pulumi-vultr-user-access";

const config = new pulumi.Config();

const ciBot = new UserApiAccess("ci-bot", {
  email: config.require("ciBotEmail"),
  apiEnabled: true,
});

const ciKey = new UserApiKey("ci-bot-key", {
  userId: ciBot.userId,
  name: "ci",
  lifetimeDays: 90,
  rotateBeforeDays: 14,
  keepPrevious: true,
});

/** The clear key: a secret, encrypted in the state. */
export const ciApiKey = ciKey.apiKey;
/** What the key looks like in Vultr's console (its last 5 characters) and when it expires. */
export const ciKeyHint = ciKey.keyHint;
export const ciKeyExpires = ciKey.dateExpire;
