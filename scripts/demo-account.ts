/**
 * The demo's account. The two users the basic example declares (examples/basic): the CI bot, which
 * must have API access, and Alice, who must not. Seeded into the emulator by the demo and the
 * end-to-end tests, both starting in the opposite state so that the first `up` has something to do.
 */
import type { SeedUser } from "../emulator";

export const CI_BOT = {
  id: "b6ff706a-431d-42c3-aba8-a827efc530cd",
  email: "ci@example.com",
  name: "CI Deploy",
  api_enabled: false,
  service_user: true,
  acls: ["provisioning", "subscriptions_view"],
} satisfies SeedUser;

export const ALICE = {
  id: "cb676a46-66fd-4dfb-b839-443f2e6c0b60",
  email: "alice@example.com",
  name: "Alice Martin",
  api_enabled: true,
  acls: ["billing"],
} satisfies SeedUser;

/**
 * The two other users examples/exclusive names (the demo's second part): the deploy user, whom
 * the policy allows, and the ops lead, whom it exempts. Both have API access; neither holds
 * `manage_users`, so without the policy's lists both would be violators.
 */
export const DEPLOY = {
  id: "5a0c2f7e-8d1b-4e6a-9c3f-2b7d4e1a6c90",
  email: "deploy@example.com",
  name: "Deploy Pipeline",
  api_enabled: true,
  service_user: true,
  acls: ["provisioning", "subscriptions_view"],
} satisfies SeedUser;

export const OPS_LEAD = {
  id: "e3b9d1c4-2f6a-4b8e-a7d0-91c5f3e2b648",
  email: "ops-lead@example.com",
  name: "Olivia Park",
  api_enabled: true,
  acls: ["provisioning", "support"],
} satisfies SeedUser;
