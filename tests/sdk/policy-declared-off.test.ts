/**
 * What the program tells its ApiAccessPolicy of the users its UserApiAccess resources turn off
 * (the hidden input `__declaredOff`): every declaration of `apiEnabled: false`, those written
 * after the policy included, by the id and email they name; values still to come are resolved.
 */
import * as pulumi from "@pulumi/pulumi";
import { ApiAccessPolicy, UserApiAccess } from "../../sdk";

type Props = Record<string, unknown>;

const TYPE = "pulumi-nodejs:dynamic/vultr:ApiAccessPolicy";
const ID = (n: number) => `cb676a46-66fd-4dfb-b839-${String(n).padStart(12, "0")}`;

function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

describe("ApiAccessPolicy's __declaredOff (the SDK, under pulumi.runtime.setMocks)", () => {
  const registered = new Map<string, Props>();

  beforeAll(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.set(args.name, args.inputs as Props);
          const inputs = args.inputs as Props;
          return {
            id:
              args.type === TYPE
                ? "api-access-policy"
                : typeof inputs.userId === "string"
                  ? inputs.userId
                  : args.name,
            state: { ...inputs, userId: inputs.userId ?? ID(99) },
          };
        },
        call: (args) => args.inputs as Props,
      },
      "vultr-access",
      "test",
      false,
    );
  });

  it("lists every user declared off, before and after the policy, and no user declared on", async () => {
    const offBefore = new UserApiAccess("off-before", {
      email: "u1@example.com",
      apiEnabled: false,
    });
    const policy = new ApiAccessPolicy("api-access", { allowed: ["u3@example.com"] });
    const onByEmail = new UserApiAccess("on", { email: "u3@example.com", apiEnabled: true });
    const offAfter = new UserApiAccess("off-after", {
      userId: ID(2),
      email: "u2@example.com",
      apiEnabled: false,
    });
    // Values still to come: an apiEnabled that resolves false, one that resolves true.
    const computedOff = new UserApiAccess("computed-off", {
      userId: pulumi.output(ID(5)),
      apiEnabled: pulumi.output(false),
    });
    const computedOn = new UserApiAccess("computed-on", {
      userId: ID(6),
      apiEnabled: Promise.resolve(true),
    });

    await Promise.all(
      [offBefore, policy, onByEmail, offAfter, computedOff, computedOn].map((r) => valueOf(r.id)),
    );
    const inputs = registered.get("api-access");
    expect(inputs?.__declaredOff).toStrictEqual([
      "u1@example.com",
      ID(2),
      "u2@example.com",
      ID(5),
      "",
    ]);
  });
});
