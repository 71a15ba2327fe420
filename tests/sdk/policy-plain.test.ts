/**
 * A policy with plain lists, declared before the grants: a plain grant it provably forbids fails
 * where it is written; a grant it may allow (by a key of the other kind) is left to check.
 */
import * as pulumi from "@pulumi/pulumi";
import { ApiAccessPolicy, UserApiAccess, type UserApiAccessArgs } from "../../sdk";

const CI = "cb676a46-66fd-4dfb-b839-000000000001";
const BOB = "cb676a46-66fd-4dfb-b839-000000000002";
const CAROL = "cb676a46-66fd-4dfb-b839-000000000003";
const DAVE = "cb676a46-66fd-4dfb-b839-000000000004";
// Each test names its own users: a declaration claims its user before the policy is consulted.

/** Registered resources, awaited before the environment goes: registration outlives a test. */
const declared: pulumi.CustomResource[] = [];

function grant(name: string, args: UserApiAccessArgs): void {
  declared.push(new UserApiAccess(name, args));
}

describe("ApiAccessPolicy with plain lists, declared first", () => {
  beforeAll(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => ({ id: args.name, state: args.inputs as Record<string, unknown> }),
        call: (args) => args.inputs as Record<string, unknown>,
      },
      "vultr-access",
      "test",
      false,
    );
    declared.push(new ApiAccessPolicy("api-access", { allowed: [CI], exempt: [] }));
  });
  afterAll(async () => {
    await Promise.all(declared.map((r) => new Promise((resolve) => r.id.apply(resolve))));
  });

  it("refuses a grant by an id neither list names", () => {
    expect(() => grant("bob", { userId: BOB, apiEnabled: true })).toThrow(
      `UserApiAccess "bob" declares apiEnabled: true for ${BOB}, which ApiAccessPolicy "api-access" does not allow`,
    );
  });

  it("refuses a grant naming both id and email when neither is listed", () => {
    expect(() =>
      grant("carol", { userId: CAROL, email: "carol@example.com", apiEnabled: true }),
    ).toThrow(/does not allow/);
  });

  it("accepts a listed grant, a denial, and a grant by email that an id entry may name", () => {
    expect(() => grant("ci", { userId: CI.toUpperCase(), apiEnabled: true })).not.toThrow();
    expect(() => grant("dave-off", { userId: DAVE, apiEnabled: false })).not.toThrow();
    expect(() => grant("by-email", { email: "ci@example.com", apiEnabled: true })).not.toThrow();
  });
});
