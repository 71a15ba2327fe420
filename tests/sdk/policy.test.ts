/**
 * ApiAccessPolicy in a program (under pulumi.runtime.setMocks): its registration, and what the
 * program itself refuses — a second policy, and a plain grant the policy's plain lists forbid.
 * The tests run in order: the program-side records live as long as the module.
 */
import * as pulumi from "@pulumi/pulumi";
import { ApiAccessPolicy, UserApiAccess } from "../../sdk";
import { policyShim } from "../../sdk/provider-shim";
import { serializeProvider } from "../support/provider-host";

type Props = Record<string, unknown>;

const TYPE = "pulumi-nodejs:dynamic/vultr:ApiAccessPolicy";
const CI = "cb676a46-66fd-4dfb-b839-000000000001";
const BOB = "cb676a46-66fd-4dfb-b839-000000000002";

function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

describe("ApiAccessPolicy (the SDK, under pulumi.runtime.setMocks)", () => {
  const registered = new Map<string, pulumi.runtime.MockResourceArgs>();

  beforeAll(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.set(args.name, args);
          const inputs = args.inputs as Props;
          return {
            id:
              args.type === TYPE
                ? "api-access-policy"
                : typeof inputs.userId === "string"
                  ? inputs.userId
                  : "id",
            state:
              args.type === TYPE
                ? {
                    violators: [{ userId: BOB, email: "bob@example.com" }],
                    disabled: [{ userId: BOB, email: "bob@example.com" }],
                    skippedAdmins: [],
                    allowedUserIds: [CI],
                    exemptUserIds: [],
                    enforce: true,
                    maxDisabled: 5,
                    includeAdmins: false,
                  }
                : { ...inputs, userId: inputs.userId ?? CI },
          };
        },
        call: (args) => args.inputs as Props,
      },
      "vultr-access",
      "test",
      false,
    );
  });

  it("refuses a policy whose plain lists leave out a plain grant declared before it", () => {
    new UserApiAccess("bob-access", { userId: BOB, apiEnabled: true });
    expect(() => new ApiAccessPolicy("too-strict", { allowed: [CI] })).toThrow(
      `UserApiAccess "bob-access" declares apiEnabled: true for ${BOB}, which ApiAccessPolicy "too-strict" does not allow`,
    );
  });

  it("registers the program's policy under its type token, with the shim and its URN", async () => {
    const ci = new UserApiAccess("ci-bot", { email: "ci@example.com", apiEnabled: true });
    const policy = new ApiAccessPolicy("api-access", {
      allowed: [ci.userId, BOB],
      exempt: ["ops@example.com"],
      maxDisabled: 3,
    });

    await valueOf(policy.id);
    const args = registered.get("api-access");
    expect(args?.type).toBe(TYPE);
    const inputs = args?.inputs as Props;
    expect(inputs.__provider).toBe(await serializeProvider(policyShim));
    expect(inputs.__urn).toBe(await valueOf(policy.urn));
    expect(inputs).toMatchObject({ exempt: ["ops@example.com"], maxDisabled: 3 });
    expect(await valueOf(policy.disabled)).toStrictEqual([
      { userId: BOB, email: "bob@example.com" },
    ]);
    expect(await valueOf(policy.enforce)).toBe(true);
  });

  it("refuses a second policy in the same program", () => {
    expect(() => new ApiAccessPolicy("second", { allowed: [CI] })).toThrow(
      'this program already declares ApiAccessPolicy "api-access", and a program declares at most one',
    );
  });

  it("refuses a later plain grant the policy does not allow, and leaves undecidable ones to the provider", () => {
    // The policy's lists hold an output (the CI bot's id): nothing is provable program-side.
    expect(
      () => new UserApiAccess("carol-access", { email: "carol@example.com", apiEnabled: true }),
    ).not.toThrow();
    expect(
      () => new UserApiAccess("dave-access", { email: "dave@example.com", apiEnabled: false }),
    ).not.toThrow();
  });
});
