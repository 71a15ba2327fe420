/**
 * The two users the basic example declares (examples/basic): the CI bot, which must have API
 * access, and Alice, who must not. Seeded into the emulator by the demo and the end-to-end tests,
 * both starting in the opposite state so that the first `up` has something to do.
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
