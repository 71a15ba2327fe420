/**
 * End to end: access never reverses (issue 9), through the real pulumi CLI with the packed
 * package and the emulator as the account. A declaration that moves to another resource, a user
 * id that does not exist, a deployment whose key would revoke itself, and a rotated key.
 */
import { randomBytes } from "node:crypto";
import type { SeedUser } from "../../emulator";
import type { PulumiStack } from "../../scripts/pulumi-stack";
import { describeWithPulumiCli } from "../support/pulumi-cli-gate";
import { CliHarness, combined, diagnosticsOf } from "./cli-harness";
import { accessResources, outputsOf } from "./stack-state";

jest.setTimeout(4 * 60_000);

/** A key shaped like Vultr's: 36 characters of A-Z and 0-9. */
const newApiKey = () => randomBytes(18).toString("hex").toUpperCase();

const BOB = { id: "75e7edec-ee6f-43b1-b736-d1461cd89931", email: "bob@example.com", name: "Bob Okafor", api_enabled: false } satisfies SeedUser; // prettier-ignore
const CAROL = { id: "d76b1c43-25d0-4802-9ffe-8a2d63082e5e", email: "carol@example.com", name: "Carol Tanaka", api_enabled: true } satisfies SeedUser; // prettier-ignore
const DAVE = { id: "8214ff09-5778-430e-86c5-97910350e707", email: "dave@example.com", name: "Dave Silva", api_enabled: false } satisfies SeedUser; // prettier-ignore
const FRANK = { id: "3b9e6a71-0c2d-4f5e-8a1b-6d7c8e9f0a1b", email: "frank@example.com", name: "Frank Weber", api_enabled: false } satisfies SeedUser; // prettier-ignore
/** An admin sub-user whose own key runs the deployment of the `ops` stack. */
const OPS_ADMIN = {
  id: "e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b",
  email: "ops-admin@example.com",
  name: "Ops Admin",
  api_enabled: true,
  acls: ["manage_users", "billing"],
  api_key: newApiKey(),
} satisfies SeedUser;

const OTHER_USERS = 30;

/** Bob by email; Carol and Dave by id. */
const MOVES_BEFORE = `
import { UserApiAccess } from "pulumi-vultr-user-access";

new UserApiAccess("bob-access", { email: "${BOB.email}", apiEnabled: true });
new UserApiAccess("first", { userId: "${CAROL.id}", apiEnabled: true });
new UserApiAccess("second", { userId: "${DAVE.id}", apiEnabled: false });
`;

/** Bob's resource renamed without an alias; first and second swap their users. */
const MOVES_AFTER = `
import { UserApiAccess } from "pulumi-vultr-user-access";

new UserApiAccess("bob", { email: "${BOB.email}", apiEnabled: true });
new UserApiAccess("first", { userId: "${DAVE.id}", apiEnabled: true });
new UserApiAccess("second", { userId: "${CAROL.id}", apiEnabled: false });
`;

const MISSING_ID = "0f1e2d3c-4b5a-4697-8877-665544332211";

const MISSING_PROGRAM = `
import { UserApiAccess } from "pulumi-vultr-user-access";

new UserApiAccess("ghost", { userId: "${MISSING_ID}", apiEnabled: true });
`;

/** Run with OPS_ADMIN's own key: revoking that user's API access would revoke the key. */
const OPS_SELF_REVOKING = `
import { UserApiAccess } from "pulumi-vultr-user-access";

new UserApiAccess("ops-admin", { userId: "${OPS_ADMIN.id}", apiEnabled: false });
new UserApiAccess("frank", { email: "${FRANK.email}", apiEnabled: true });
`;

const OPS_FRANK_ONLY = `
import { UserApiAccess } from "pulumi-vultr-user-access";

new UserApiAccess("frank", { email: "${FRANK.email}", apiEnabled: true });
`;

const who = (user: { id: string; email: string }) => `${user.email} (${user.id})`;

describeWithPulumiCli("Access never reverses, with the pulumi CLI", (cli) => {
  let harness: CliHarness;
  const rotatedKey = newApiKey();

  beforeAll(async () => {
    harness = await CliHarness.start(cli(), {
      users: [BOB, CAROL, DAVE, FRANK, OPS_ADMIN],
      others: { count: OTHER_USERS, seed: 9 },
    });
  }, 10 * 60_000);

  afterAll(async () => {
    await harness?.dispose();
  });

  const apiEnabled = (user: { id: string }) => harness.emulator.getUser(user.id)?.api_enabled;

  /** The PATCHes Vultr received since the request log was last cleared, in a stable order. */
  const patches = () =>
    harness.emulator
      .requestLog()
      .filter((request) => request.method === "PATCH")
      .map((request) => `PATCH ${request.path} ${JSON.stringify(request.body)}`)
      .sort();
  const patchOf = (user: { id: string }, value: boolean) =>
    `PATCH /users/${user.id} ${JSON.stringify({ api_enabled: value })}`;

  describe("a declaration that moves to another resource", () => {
    let moves: PulumiStack;

    beforeAll(async () => {
      moves = await harness.newStack("moves", MOVES_BEFORE);
      await moves.run(["up", "--yes", "--skip-preview"]);
      expect([BOB, CAROL, DAVE].map(apiEnabled)).toStrictEqual([true, true, false]);
    });

    it("a rename without an alias and a swap of userIds leave every user as now declared", async () => {
      await harness.rewriteProgram(moves, MOVES_AFTER);
      harness.emulator.clearRequestLog();

      const up = combined(await moves.run(["up", "--yes", "--skip-preview"]));

      expect({ bob: apiEnabled(BOB), dave: apiEnabled(DAVE), carol: apiEnabled(CAROL) }).toStrictEqual({ bob: true, dave: true, carol: false }); // prettier-ignore
      // The adoptions write; the releases of the old resources write nothing.
      expect(patches()).toStrictEqual([patchOf(DAVE, true), patchOf(CAROL, false)].sort());
      expect(diagnosticsOf(up, "bob-access")).toContain(
        `released: Vultr user ${who(BOB)} is now managed by UserApiAccess "bob"; nothing changed`,
      );
      expect(up).toContain(
        `released: Vultr user ${who(CAROL)} is now managed by UserApiAccess "second"; nothing changed`,
      );
      expect(up).toContain(
        `released: Vultr user ${who(DAVE)} is now managed by UserApiAccess "first"; nothing changed`,
      );
      const state = await harness.state(moves);
      expect([...accessResources(state).keys()].sort()).toStrictEqual(["bob", "first", "second"]);
      // A replace carries the pre-Pulumi value of the user it takes over (its diff saw it);
      // a rename cannot (the engine never diffs the old name against the new one).
      expect(outputsOf(state, "first")).toMatchObject({
        userId: DAVE.id,
        initialApiEnabled: false,
      });
      expect(outputsOf(state, "second")).toMatchObject({
        userId: CAROL.id,
        initialApiEnabled: true,
      });
      expect(outputsOf(state, "bob")).toMatchObject({
        userId: BOB.id,
        apiEnabled: true,
        initialApiEnabled: true,
      });
    });

    it("the next `preview --expect-no-changes` passes", async () => {
      harness.emulator.clearRequestLog();

      await moves.run(["preview", "--expect-no-changes"]);

      expect(patches()).toStrictEqual([]);
    });
  });

  describe("a userId that does not exist", () => {
    it("fails `pulumi preview` in check, naming the id and the account's user count", async () => {
      const missing = await harness.newStack("missing", MISSING_PROGRAM);

      const preview = await missing.attempt(["preview"]);

      expect(preview.code).not.toBe(0);
      const users = harness.emulator.listUsers().length;
      expect(combined(preview)).toContain(
        `Vultr user ${MISSING_ID} does not exist in this account (the account holds ${users} users): check the userId`,
      );
    });
  });

  describe("a deployment run with an admin sub-user's own key", () => {
    let ops: PulumiStack;

    beforeAll(async () => {
      ops = await harness.newStack("ops", OPS_SELF_REVOKING, OPS_ADMIN.api_key);
    });

    it("refuses to disable that user's API access, and still applies the other resources", async () => {
      harness.emulator.clearRequestLog();

      const up = await ops.attempt(["up", "--yes", "--skip-preview"]);

      expect(up.code).not.toBe(0);
      expect(combined(up)).toContain(
        `refusing to disable API access of ${who(OPS_ADMIN)}: the API key this deployment runs with belongs to that user — run this change with the account owner's key`,
      );
      expect(apiEnabled(OPS_ADMIN)).toBe(true);
      expect(apiEnabled(FRANK)).toBe(true);
      expect(patches()).toStrictEqual([patchOf(FRANK, true)]);
      // What the check cost: one look at the admin's keys.
      expect(harness.emulator.counters().byRoute["GET /users/:id/apikeys"]).toBe(1);
      expect([...accessResources(await harness.state(ops)).keys()]).toStrictEqual(["frank"]);
    });

    it("after a key rotation, refresh fails with 401 and says to run `pulumi up` first", async () => {
      const [oldKey] = harness.emulator
        .listApiKeys(OPS_ADMIN.id)
        .filter((key) => key.api_key === OPS_ADMIN.api_key);
      harness.emulator.addApiKey(OPS_ADMIN.id, { api_key: rotatedKey, name: "rotated" });
      expect(harness.emulator.removeApiKey(OPS_ADMIN.id, oldKey?.id ?? "")).toBe(true);
      await ops.setConfig("vultr:apiKey", rotatedKey, { secret: true });

      const refresh = await ops.attempt(["refresh", "--yes", "--skip-preview"]);

      // The engine replays the provider configuration stored with the last update: the old key.
      expect(refresh.code).not.toBe(0);
      const output = combined(refresh);
      expect(output).toContain("401");
      expect(output).toContain("run `pulumi up` once with the new key first");
    });

    it("following the advice, `pulumi up` then `pulumi refresh` succeed with the new key", async () => {
      await harness.rewriteProgram(ops, OPS_FRANK_ONLY);

      await ops.run(["up", "--yes", "--skip-preview"]);
      harness.emulator.clearRequestLog();
      await ops.run(["refresh", "--yes", "--skip-preview"]);

      expect(harness.emulator.counters().byStatus["401"]).toBeUndefined();
      expect(outputsOf(await harness.state(ops), "frank")).toMatchObject({ apiEnabled: true });
    });
  });

  describe("the API keys", () => {
    it("appear in no state file, no CLI output, and no engine or plugin log", async () => {
      expect(await harness.wroteLogs()).toBe(true);
      const keys = [harness.emulator.ownerKey, OPS_ADMIN.api_key, rotatedKey];
      expect(await harness.keyLeaks(keys)).toStrictEqual({ files: [], outputs: [] });
    });
  });
});
