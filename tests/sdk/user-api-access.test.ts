import * as pulumi from "@pulumi/pulumi";
import { UserApiAccess } from "../../sdk";
import { providerShim } from "../../sdk/provider-shim";
import { declaredCount } from "../../sdk/targets";
import { serializeProvider } from "../support/provider-host";
import { OUTPUT_KEYS, RESOURCE_TYPE as TYPE } from "../support/resource-shape";

type Props = Record<string, unknown>;

/** Distinct users per test: the program-side claims live as long as the module. */
function userId(n: number): string {
  return `cb676a46-66fd-4dfb-b839-${String(n).padStart(12, "0")}`;
}

function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

describe("UserApiAccess (the SDK, under pulumi.runtime.setMocks)", () => {
  const registered = new Map<string, pulumi.runtime.MockResourceArgs>();

  beforeAll(async () => {
    await pulumi.runtime.setMocks(
      {
        // Answers as the provider's create would: the user's data with the declared access.
        newResource: (args) => {
          registered.set(args.name, args);
          const inputs = args.inputs as Record<string, unknown>;
          const id = typeof inputs.userId === "string" ? inputs.userId : userId(999);
          return {
            id,
            state: {
              userId: id,
              email: typeof inputs.email === "string" ? inputs.email : `${args.name}@example.com`,
              name: `User ${args.name}`,
              apiEnabled: inputs.apiEnabled,
              acls: ["billing", "dns"],
              initialApiEnabled: true,
              onDelete: inputs.onDelete ?? "restore",
            },
          };
        },
        call: (args) => args.inputs as Record<string, unknown>,
      },
      "vultr-access",
      "test",
      false,
    );
  });

  /** What the engine was asked to register for this resource. */
  async function registration(resource: UserApiAccess): Promise<{ type: string; inputs: Props }> {
    const name = (await valueOf(resource.urn)).split("::").pop() ?? "";
    const args = registered.get(name);
    if (args === undefined) throw new Error(`${name} was not registered`);
    return { type: args.type, inputs: args.inputs as Props };
  }

  it("registers as pulumi-nodejs:dynamic/vultr:UserApiAccess", async () => {
    const resource = new UserApiAccess("typed", { userId: userId(1), apiEnabled: true });

    expect((await registration(resource)).type).toBe(TYPE);
    expect(await valueOf(resource.urn)).toBe(`urn:pulumi:test::vultr-access::${TYPE}::typed`);
  });

  it("passes the declared inputs, the fleet size and the serialized provider", async () => {
    const resource = new UserApiAccess("alice", {
      userId: userId(2),
      apiEnabled: false,
      onDelete: "disable",
    });

    const { inputs } = await registration(resource);

    expect(Object.keys(inputs).sort()).toStrictEqual([
      "__fleetSize",
      "__preview",
      "__provider",
      "__urn",
      "apiEnabled",
      "onDelete",
      "userId",
    ]);
    // Its own URN, so the provider can say things on the resource's row.
    expect(inputs.__urn).toBe(await valueOf(resource.urn));
    expect(inputs).toMatchObject({ userId: userId(2), apiEnabled: false, onDelete: "disable" });
    expect(inputs.__fleetSize).toBe(declaredCount());
    // Whether this run is a preview, which the engine does not tell the provider.
    expect(inputs.__preview).toBe(pulumi.runtime.isDryRun());
    // The shim, stored as a plain string: nothing secret was captured.
    expect(inputs.__provider).toBe(await serializeProvider(providerShim));
  });

  it("passes the URN the engine gives it under a component and after an alias rename", async () => {
    const parent = new pulumi.ComponentResource("acme:index:Team", "team");
    const child = new UserApiAccess("child", { userId: userId(20), apiEnabled: true }, { parent });
    const renamed = new UserApiAccess(
      "renamed",
      { userId: userId(21), apiEnabled: true },
      { aliases: [{ name: "original" }] },
    );

    for (const resource of [child, renamed]) {
      const { inputs } = await registration(resource);
      expect(inputs.__urn).toBe(await valueOf(resource.urn));
    }
    expect(await valueOf(child.urn)).toBe(
      `urn:pulumi:test::vultr-access::acme:index:Team$${TYPE}::child`,
    );
  });

  it("tells the provider when the user may be created by a step this resource waits for", async () => {
    const creator = new UserApiAccess("creator", { userId: userId(30), apiEnabled: true });
    const plain = new UserApiAccess("plain", { email: "plain@example.com", apiEnabled: true });
    const waits = new UserApiAccess(
      "waits",
      { email: "waits@example.com", apiEnabled: true },
      { dependsOn: [creator] },
    );
    const follows = new UserApiAccess("follows", { email: creator.email, apiEnabled: false });
    const emptyDeps = new UserApiAccess(
      "no-deps",
      { email: "no-deps@example.com", apiEnabled: true },
      { dependsOn: [] },
    );

    const flags = await Promise.all(
      [plain, waits, follows, emptyDeps].map(async (resource) => {
        const { inputs } = await registration(resource);
        return "__mayBeCreated" in inputs ? inputs.__mayBeCreated : "absent";
      }),
    );

    expect(flags).toStrictEqual(["absent", true, true, "absent"]);
  });

  it("counts every resource of the program in the fleet size each one passes", async () => {
    const before = declaredCount();
    const fleet = [3, 4, 5].map(
      (n) => new UserApiAccess(`fleet-${n}`, { userId: userId(n), apiEnabled: true }),
    );

    const sizes = await Promise.all(
      fleet.map(async (resource) => (await registration(resource)).inputs.__fleetSize),
    );

    expect(sizes).toStrictEqual([before + 3, before + 3, before + 3]);
  });

  it("exposes every output, each resolving to what the provider returned", async () => {
    const resource = new UserApiAccess("bob", { email: "bob@example.com", apiEnabled: true });

    for (const key of OUTPUT_KEYS) {
      expect(pulumi.Output.isInstance(resource[key])).toBe(true);
    }
    expect({
      userId: await valueOf(resource.userId),
      email: await valueOf(resource.email),
      name: await valueOf(resource.name),
      apiEnabled: await valueOf(resource.apiEnabled),
      acls: await valueOf(resource.acls),
      initialApiEnabled: await valueOf(resource.initialApiEnabled),
      onDelete: await valueOf(resource.onDelete),
    }).toStrictEqual({
      userId: userId(999),
      email: "bob@example.com",
      name: "User bob",
      apiEnabled: true,
      acls: ["billing", "dns"],
      initialApiEnabled: true,
      onDelete: "restore",
    });
  });

  it("rejects two resources targeting the same userId, naming both", () => {
    new UserApiAccess("ci-bot", { userId: userId(6), apiEnabled: true });

    expect(
      () => new UserApiAccess("deploy-bot", { userId: userId(6).toUpperCase(), apiEnabled: false }),
    ).toThrow(
      `UserApiAccess "deploy-bot" targets the same Vultr user as UserApiAccess "ci-bot" (userId ${userId(6)})`,
    );
  });

  it("rejects two resources targeting the same email in different case, naming both", () => {
    new UserApiAccess("carol", { email: "carol@example.com", apiEnabled: true });

    expect(
      () => new UserApiAccess("carol-again", { email: "Carol@Example.COM", apiEnabled: true }),
    ).toThrow(
      'UserApiAccess "carol-again" targets the same Vultr user as UserApiAccess "carol" (email carol@example.com)',
    );
  });

  it("accepts resources whose users are only known once outputs resolve", async () => {
    const resource = new UserApiAccess("dave", {
      userId: pulumi.output(userId(7)),
      email: Promise.resolve("dave@example.com"),
      apiEnabled: true,
    });

    expect((await registration(resource)).inputs).toMatchObject({
      userId: userId(7),
      email: "dave@example.com",
    });
  });
});
