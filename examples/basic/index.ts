/**
 * The basic example: the CI bot may use the Vultr API, Alice may not.
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
});

const alice = new UserApiAccess("alice", {
  userId: config.require("aliceUserId"),
  apiEnabled: false,
  // Removing this resource leaves Alice without API access, whatever she had before.
  onDelete: "disable",
});

export const ciBotUserId = ciBot.userId;
export const ciBotApiEnabled = ciBot.apiEnabled;
export const aliceEmail = alice.email;
export const aliceApiEnabled = alice.apiEnabled;
export const aliceHadApiAccessBefore = alice.initialApiEnabled;
