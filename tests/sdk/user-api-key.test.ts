/**
 * The UserApiKey class as a program uses it: its type token, the URN it hands the provider, and
 * a second declaration of one user and key name failing where it is written. (That `apiKey` is
 * stored only encrypted is shown through the real CLI: tests/e2e/user-api-key.test.ts.)
 */
import * as pulumi from "@pulumi/pulumi";
import { UserApiKey } from "../../sdk";

const CI = "cb676a46-66fd-4dfb-b839-000000000101";
const registered: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
const declared: pulumi.CustomResource[] = [];

describe("UserApiKey in a program", () => {
  beforeAll(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push({
            type: args.type,
            name: args.name,
            inputs: args.inputs as Record<string, unknown>,
          });
          return { id: `${CI}/ci`, state: args.inputs as Record<string, unknown> };
        },
        call: (args) => args.inputs as Record<string, unknown>,
      },
      "vultr-access",
      "test",
      false,
    );
  });
  afterAll(async () => {
    await Promise.all(declared.map((r) => new Promise((resolve) => r.id.apply(resolve))));
  });

  it("registers under pulumi-nodejs:dynamic/vultr:UserApiKey with its URN", async () => {
    const key = new UserApiKey("ci-key", { userId: CI, name: "ci", lifetimeDays: 90 });
    declared.push(key);
    await new Promise((resolve) => key.id.apply(resolve));
    const [found] = registered.filter((r) => r.name === "ci-key");
    expect(found?.type).toBe("pulumi-nodejs:dynamic/vultr:UserApiKey");
    expect(found?.inputs.__urn).toBe(
      "urn:pulumi:test::vultr-access::pulumi-nodejs:dynamic/vultr:UserApiKey::ci-key",
    );
    expect(found?.inputs).toMatchObject({ userId: CI, name: "ci", lifetimeDays: 90 });
  });

  it("refuses a second declaration of one user and name where it is written", () => {
    expect(
      () => new UserApiKey("ci-key-again", { userId: CI, name: "ci", lifetimeDays: 30 }),
    ).toThrow(
      `UserApiKey ci-key-again: UserApiKey ci-key already declares key ci of ${CI}; one resource per user and key name`,
    );
    declared.push(new UserApiKey("ci-other", { userId: CI, name: "ci-2", lifetimeDays: 30 }));
  });
});
