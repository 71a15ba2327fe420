/**
 * The basic example: the CI bot may use the Vultr API, from the CI runners' networks only; Alice
 * may not use the API at all.
 *
 *   pulumi config set --secret vultr:apiKey <key>
 *   pulumi config set ciBotEmail ci@example.com
 *   pulumi config set aliceUserId cb676a46-66fd-4dfb-b839-443f2e6c0b60
 *   pulumi up
 */
import * as pulumi from "@pulumi/pulumi";
import { UserApiAccess } from "pulumi-vultr-user-access";

const config = new pulumi.Config();

const ciBot = new UserApiAccess("ci-bot", {
  email: config.require("ciBotEmail"),
  apiEnabled: true,
  // The networks the CI runners deploy from: the bot's API key is refused from anywhere else.
  // Exactly these entries, so Vultr's default "any IPv4"/"any IPv6" entries are removed.
  allowedIps: ["8.8.8.0/24", "2606:4700::/32"],
});

const alice = new UserApiAccess("alice", {
  userId: config.require("aliceUserId"),
  apiEnabled: false,
  // Removing this resource leaves Alice without API access, whatever she had before.
  onDelete: "disable",
});

export const ciBotUserId = ciBot.userId;
export const ciBotApiEnabled = ciBot.apiEnabled;
export const ciBotAllowedIps = ciBot.allowedIps;
export const aliceEmail = alice.email;
export const aliceApiEnabled = alice.apiEnabled;
export const aliceHadApiAccessBefore = alice.initialApiEnabled;
