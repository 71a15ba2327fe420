/**
 * Only these users may use the Vultr API: the CI bot (granted here by UserApiAccess) and the
 * deploy user; the ops lead is never touched. Anyone else with API access is disabled by
 * `pulumi up` — after `pulumi preview` has listed them.
 *
 *   pulumi config set --secret vultr:apiKey <key>
 *   pulumi config set ciBotEmail ci@example.com
 *   pulumi config set deployEmail deploy@example.com
 *   pulumi config set opsLeadEmail ops-lead@example.com
 *   pulumi preview        # "would disable API access of bob@example.com (…): not allowed by the policy"
 *   pulumi up
 */
import * as pulumi from "@pulumi/pulumi";
import { ApiAccessPolicy, UserApiAccess } from "pulumi-vultr-user-access";

const config = new pulumi.Config();

const ciBot = new UserApiAccess("ci-bot", {
  email: config.require("ciBotEmail"),
  apiEnabled: true,
});

const policy = new ApiAccessPolicy("api-access", {
  // The CI bot by its output: a grant the policy did not allow would be refused.
  allowed: [ciBot.userId, config.require("deployEmail")],
  exempt: [config.require("opsLeadEmail")],
  maxDisabled: config.getNumber("maxDisabled") ?? 5,
  enforce: config.getBoolean("enforce") ?? true,
});

export const violators = policy.violators;
export const disabled = policy.disabled;
export const skippedAdmins = policy.skippedAdmins;
export const allowedUserIds = policy.allowedUserIds;
