/**
 * End to end: access never reverses (issue 9), through the real pulumi CLI with the packed
 * package and the emulator as the account. A declaration that moves to another resource, a user
 * id that does not exist, a deployment whose key would revoke itself or narrow its own user's
 * allowlist (refused by `pulumi preview`, issue 16), a rotated key, and users created earlier in
 * the same deployment.
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

/** An admin sub-user whose own key runs the `net` stack, which manages that user's allowlist. */
const NET_ADMIN = {
  id: "a7b8c9d0-e1f2-4a3b-8c4d-5e6f7a8b9c0d",
  email: "net-admin@example.com",
  name: "Net Admin",
  api_enabled: true,
  acls: ["manage_users"],
  api_key: newApiKey(),
} satisfies SeedUser;
const RANGE = "45.76.0.0/16";

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

/** Vultr's defaults kept, one range added: no entry removed. */
const NET_WIDENS = `
import { UserApiAccess } from "pulumi-vultr-user-access";

new UserApiAccess("net-admin", { userId: "${NET_ADMIN.id}", apiEnabled: true, allowedIps: ["0.0.0.0/0", "::/0", "${RANGE}"] });
`;

/** "Any IPv4" and "any IPv6" replaced by the range: would lock out a runner outside it. */
const NET_NARROWS = `
import { UserApiAccess } from "pulumi-vultr-user-access";

new UserApiAccess("net-admin", { userId: "${NET_ADMIN.id}", apiEnabled: true, allowedIps: ["${RANGE}"] });
`;

const OPS_FRANK_ONLY = `
import { UserApiAccess } from "pulumi-vultr-user-access";

new UserApiAccess("frank", { email: "${FRANK.email}", apiEnabled: true });
`;

/** An existing user, declared first so that the provider reads the account's user list. */
const HEIDI = { id: "5c4b3a29-1807-4f6e-9d5c-4b3a29180706", email: "heidi@example.com", name: "Heidi Novak", api_enabled: false } satisfies SeedUser; // prettier-ignore
/** Created by the program itself, after Heidi's resource: missing from the list read for Heidi. */
const NEW_BY_ID = { email: "ivan@example.com", firstName: "Ivan", lastName: "Petrov" };
const NEW_BY_EMAIL = { email: "june@example.com", firstName: "June", lastName: "Park" };

/**
 * Creates users the way a bridged provider's User would: a dynamic resource of its own that
 * POSTs /users, with the endpoint and the key from the stack config (never from the program
 * text), and only to loopback. Heidi's resource comes first; the user adopted by id is created
 * and adopted before the one adopted by email, so each miss is confirmed in its own way.
 */
const NEW_VULTR_USER = `
import * as pulumi from "@pulumi/pulumi";
import { UserApiAccess } from "pulumi-vultr-user-access";

interface NewUserInputs {
  email: string;
  firstName: string;
  lastName: string;
  apiEnabled: boolean;
}
interface Api {
  endpoint: string;
  key: string;
}
const api = () => (globalThis as unknown as { e2eVultrApi: Api }).e2eVultrApi;
const INPUTS = ["email", "firstName", "lastName", "apiEnabled"] as const;

const vultrUsers: pulumi.dynamic.ResourceProvider = {
  async configure(req) {
    const endpoint = req.config.require("vultr:apiEndpoint");
    if (!/^http:\\/\\/127\\.0\\.0\\.1:\\d+\\//.test(endpoint)) {
      throw new Error("this test's users are created on the loopback emulator only, not " + endpoint);
    }
    (globalThis as unknown as { e2eVultrApi: Api }).e2eVultrApi = {
      endpoint,
      key: req.config.require("vultr:apiKey"),
    };
  },
  async create(inputs: NewUserInputs) {
    const { endpoint, key } = api();
    const response = await fetch(endpoint + "/users", {
      method: "POST",
      headers: { authorization: "Bearer " + key, "content-type": "application/json" },
      body: JSON.stringify({
        email: inputs.email,
        first_name: inputs.firstName,
        last_name: inputs.lastName,
        password: "e2e-only-Passw0rd",
        api_enabled: inputs.apiEnabled,
      }),
    });
    if (response.status !== 201) {
      throw new Error("POST /users answered " + response.status + ": " + (await response.text()));
    }
    // The answer also carries the new user's API key: it is kept nowhere.
    const { user } = (await response.json()) as { user: { id: string } };
    return { id: user.id, outs: { ...inputs, userId: user.id } };
  },
  async diff(_id: string, olds: NewUserInputs, news: NewUserInputs) {
    const changed = INPUTS.filter((name) => olds[name] !== news[name]);
    return { changes: changed.length > 0, replaces: [...changed] };
  },
};

class NewVultrUser extends pulumi.dynamic.Resource {
  declare readonly userId: pulumi.Output<string>;
  declare readonly email: pulumi.Output<string>;
  constructor(name: string, args: NewUserInputs, opts?: pulumi.CustomResourceOptions) {
    super(vultrUsers, name, { ...args, userId: undefined }, opts);
  }
}
`;

const CREATED_EARLIER = `${NEW_VULTR_USER}
const heidi = new UserApiAccess("heidi", { userId: "${HEIDI.id}", apiEnabled: true });
const ivan = new NewVultrUser("ivan", { ...${JSON.stringify(NEW_BY_ID)}, apiEnabled: true }, { dependsOn: [heidi] });
const ivanAccess = new UserApiAccess("ivan-access", { userId: ivan.id, apiEnabled: false });
const june = new NewVultrUser("june", { ...${JSON.stringify(NEW_BY_EMAIL)}, apiEnabled: false }, { dependsOn: [ivanAccess] });
new UserApiAccess("june-access", { email: june.email, apiEnabled: true });
`;

/** Created by the program, then adopted by email: one by a plain email and `dependsOn`. */
const KIM = { email: "kim@example.com", firstName: "Kim", lastName: "Lindqvist" };
/** …one by the creating resource's `email` output. */
const LEE = { email: "lee@example.com", firstName: "Lee", lastName: "Moreau" };

const CREATED_BY_EMAIL = `${NEW_VULTR_USER}
const kim = new NewVultrUser("kim", { ...${JSON.stringify(KIM)}, apiEnabled: false });
new UserApiAccess("kim-access", { email: "${KIM.email}", apiEnabled: true }, { dependsOn: [kim] });
const lee = new NewVultrUser("lee", { ...${JSON.stringify(LEE)}, apiEnabled: true });
new UserApiAccess("lee-access", { email: lee.email, apiEnabled: false });
`;

/** A typo with a dependency: the created user is not the one the email names. */
const MO = { email: "mo@example.com", firstName: "Mo", lastName: "Farid" };
const TYPO_WITH_DEPENDENCY = `${NEW_VULTR_USER}
const mo = new NewVultrUser("mo", { ...${JSON.stringify(MO)}, apiEnabled: false });
new UserApiAccess("moo-access", { email: "moo@example.com", apiEnabled: true }, { dependsOn: [mo] });
`;

/** A typo without one: nothing in this run can create the user. */
const TYPO_PLAIN = `
import { UserApiAccess } from "pulumi-vultr-user-access";

new UserApiAccess("typo", { email: "nobdy@example.com", apiEnabled: true });
`;

const who = (user: { id: string; email: string }) => `${user.email} (${user.id})`;

describeWithPulumiCli("Access never reverses, with the pulumi CLI", (cli) => {
  let harness: CliHarness;
  const rotatedKey = newApiKey();
  /** The keys Vultr gave the users that a program created (each POST /users answer has one). */
  const createdKeys: string[] = [];

  beforeAll(async () => {
    harness = await CliHarness.start(cli(), {
      users: [BOB, CAROL, DAVE, FRANK, OPS_ADMIN, NET_ADMIN],
      others: { count: OTHER_USERS, seed: 9 },
    });
  }, 10 * 60_000);

  afterAll(async () => {
    await harness?.dispose();
  });

  const apiEnabled = (user: { id: string }) => harness.emulator.getUser(user.id)?.api_enabled;
  const userByEmail = (email: string) =>
    harness.emulator.listUsers().find((user) => user.email === email);

  /** The PATCHes Vultr received since the request log was last cleared, in a stable order. */
  const patches = () =>
    harness.emulator
      .requestLog()
      .filter((request) => request.method === "PATCH")
      .map((request) => `PATCH ${request.path} ${JSON.stringify(request.body)}`)
      .sort();
  /** Every request but a GET since the request log was last cleared. */
  const writes = () =>
    harness.emulator
      .requestLog()
      .filter((request) => request.method !== "GET")
      .map((request) => `${request.method} ${request.path}`);
  const keyReads = () =>
    harness.emulator.requestLog().filter((request) => request.route === "GET /users/:id/apikeys");
  const allowlistOf = (user: { id: string }) =>
    harness.emulator
      .getAllowlist(user.id)
      .map((entry) => `${entry.subnet}/${entry.subnet_size}`)
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
      // The rename drops the value Bob had before Pulumi with the old state: the release says so.
      expect(diagnosticsOf(up, "bob-access")).toContain(
        `warning: released: Vultr user ${who(BOB)} is now managed by UserApiAccess "bob"; it had API access off before Pulumi, UserApiAccess "bob" records on, and destroying it will restore on — use an alias to keep the original`,
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

  describe("a deployment run with an admin sub-user's own key, managing that user's allowlist", () => {
    let net: PulumiStack;
    let firstUp: string[];
    let firstUpKeyReads: number;
    const narrowing = `refusing to remove 0.0.0.0/0, ::/0 from the API allowlist of Vultr user ${who(NET_ADMIN)}: the API key this deployment runs with belongs to that user, and the provider cannot see the address it calls Vultr from, so this change could lock the deployment out (every later preview and up would fail with 401) — run this change with the account owner's key, or keep in allowedIps what admits the address this deployment runs from: 0.0.0.0/0, ::/0 (this key may add entries, never remove them)`;

    beforeAll(async () => {
      net = await harness.newStack("net", NET_WIDENS, NET_ADMIN.api_key);
      harness.emulator.clearRequestLog();
      await net.run(["up", "--yes", "--skip-preview"]);
      firstUp = writes();
      firstUpKeyReads = keyReads().length;
    });

    it("adds entries to that user's allowlist, without reading its keys", () => {
      expect(allowlistOf(NET_ADMIN)).toStrictEqual(["0.0.0.0/0", RANGE, "::/0"].sort());
      expect(firstUp).toStrictEqual([`POST /users/${NET_ADMIN.id}/ip-whitelist`]);
      expect(firstUpKeyReads).toBe(0);
    });

    it("`pulumi preview` of a narrowing fails naming the user and both ways out, writing nothing", async () => {
      await harness.rewriteProgram(net, NET_NARROWS);
      harness.emulator.clearRequestLog();

      const preview = await net.attempt(["preview"]);

      expect(preview.code).not.toBe(0);
      expect(combined(preview)).toContain(narrowing);
      expect(keyReads()).toHaveLength(1);
      expect(writes()).toStrictEqual([]);
      expect(allowlistOf(NET_ADMIN)).toStrictEqual(["0.0.0.0/0", RANGE, "::/0"].sort());
    });

    it("with the owner's key it goes through; from outside the range, the admin's key is told to use the owner's", async () => {
      await net.setConfig("vultr:apiKey", harness.emulator.ownerKey, { secret: true });
      await net.run(["up", "--yes", "--skip-preview"]);
      expect(allowlistOf(NET_ADMIN)).toStrictEqual([RANGE]);

      await net.setConfig("vultr:apiKey", NET_ADMIN.api_key, { secret: true });
      harness.emulator.setClientAddress("8.8.8.8");
      try {
        const preview = await net.attempt(["preview"]);
        expect(preview.code).not.toBe(0);
        expect(combined(preview)).toContain(
          "the API key this deployment runs with is refused from 8.8.8.8: add 8.8.8.8/32 to the API access control list (IP allowlist) of the key's user with the account owner's key (in the Vultr console under Account → API, or with `allowedIps` in a run with the owner's key), or run from an address that list admits",
        );
      } finally {
        harness.emulator.setClientAddress(undefined);
      }
    });
  });

  describe("a deployment run with an admin sub-user's own key", () => {
    let ops: PulumiStack;
    const refusal = `refusing to disable API access of ${who(OPS_ADMIN)}: the API key this deployment runs with belongs to that user — run this change with the account owner's key`;

    beforeAll(async () => {
      ops = await harness.newStack("ops", OPS_FRANK_ONLY, OPS_ADMIN.api_key);
      await ops.run(["up", "--yes", "--skip-preview"]);
      expect(apiEnabled(FRANK)).toBe(true);
      await harness.rewriteProgram(ops, OPS_SELF_REVOKING);
    });

    it("`pulumi preview` fails predicting the refusal to disable that user's API access", async () => {
      harness.emulator.clearRequestLog();

      const preview = await ops.attempt(["preview"]);

      expect(preview.code).not.toBe(0);
      expect(combined(preview)).toContain(refusal);
      // What the prediction cost: one look at the admin's keys; nothing written.
      expect(keyReads()).toHaveLength(1);
      expect(writes()).toStrictEqual([]);
      expect(apiEnabled(OPS_ADMIN)).toBe(true);
    });

    it("`pulumi up` fails the same way before any write", async () => {
      harness.emulator.clearRequestLog();

      const up = await ops.attempt(["up", "--yes", "--skip-preview"]);

      expect(up.code).not.toBe(0);
      expect(combined(up)).toContain(refusal);
      expect(writes()).toStrictEqual([]);
      expect(apiEnabled(OPS_ADMIN)).toBe(true);
      expect(keyReads()).toHaveLength(1);
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

  describe("users created earlier in the same deployment", () => {
    let created: PulumiStack;
    let up: string;
    /** What Vultr received during that up, as `METHOD path`. */
    let requests: string[];

    beforeAll(async () => {
      harness.emulator.seedUsers([HEIDI]);
      created = await harness.newStack("created-earlier", CREATED_EARLIER);
      harness.emulator.clearRequestLog();
      up = combined(await created.run(["up", "--yes", "--skip-preview"]));
      requests = harness.emulator
        .requestLog()
        .map((request) => `${request.method} ${request.path}`);
      for (const user of [NEW_BY_ID, NEW_BY_EMAIL]) {
        const id = userByEmail(user.email)?.id;
        if (id !== undefined) createdKeys.push(...harness.emulator.listApiKeys(id).map((key) => key.api_key)); // prettier-ignore
      }
    });

    it("are adopted, by id and by email, after a list read that missed them", () => {
      const ivan = userByEmail(NEW_BY_ID.email);
      const june = userByEmail(NEW_BY_EMAIL.email);
      expect({ heidi: apiEnabled(HEIDI), ivan: ivan?.api_enabled, june: june?.api_enabled }).toStrictEqual({ heidi: true, ivan: false, june: true }); // prettier-ignore
      // Heidi's check read the list before either user existed. Ivan's miss was confirmed with one
      // GET of his id, June's with one more list read; each user was written once.
      expect(requests).toStrictEqual([
        "GET /users",
        `PATCH /users/${HEIDI.id}`,
        "POST /users",
        `GET /users/${ivan?.id}`,
        `PATCH /users/${ivan?.id}`,
        "POST /users",
        "GET /users",
        `PATCH /users/${june?.id}`,
      ]);
      expect(patches()).toStrictEqual(
        [patchOf(HEIDI, true), patchOf({ id: ivan?.id ?? "" }, false), patchOf({ id: june?.id ?? "" }, true)].sort(), // prettier-ignore
      );
      expect(up).not.toContain("does not exist");
      // Vultr answered each POST /users with the new user's key: the key scan below looks for them.
      expect(createdKeys).toHaveLength(2);
    });

    it("are in the state as managed by their own resources", async () => {
      const state = await harness.state(created);
      expect(outputsOf(state, "ivan-access")).toMatchObject({
        userId: userByEmail(NEW_BY_ID.email)?.id,
        apiEnabled: false,
        initialApiEnabled: true,
      });
      expect(outputsOf(state, "june-access")).toMatchObject({
        userId: userByEmail(NEW_BY_EMAIL.email)?.id,
        email: NEW_BY_EMAIL.email,
        apiEnabled: true,
        initialApiEnabled: false,
      });
    });

    it("the next `preview --expect-no-changes` passes", async () => {
      harness.emulator.clearRequestLog();

      await created.run(["preview", "--expect-no-changes"]);

      const writes = harness.emulator.requestLog().filter((request) => request.method !== "GET");
      expect(writes).toStrictEqual([]);
    });
  });

  describe("users created earlier in the same run, adopted by email, with a preview", () => {
    const notYet = (email: string) =>
      `warning: no Vultr user has the email ${email} yet (the account holds ${harness.emulator.listUsers().length} users); if an earlier step of this run creates it, up will adopt it, otherwise up fails`;
    const keepKeysOf = (email: string) => {
      const id = userByEmail(email)?.id;
      if (id !== undefined) createdKeys.push(...harness.emulator.listApiKeys(id).map((key) => key.api_key)); // prettier-ignore
    };

    it("preview warns on each resource; up (with its preview) adopts both users", async () => {
      const stack = await harness.newStack("created-by-email", CREATED_BY_EMAIL);

      const preview = combined(await stack.run(["preview"]));

      expect(diagnosticsOf(preview, "kim-access")).toContain(notYet(KIM.email));
      expect(diagnosticsOf(preview, "lee-access")).toContain(notYet(LEE.email));
      expect(preview).not.toContain("error:");
      harness.emulator.clearRequestLog();

      const up = combined(await stack.run(["up", "--yes"]));

      const [kim, lee] = [userByEmail(KIM.email), userByEmail(LEE.email)];
      [KIM, LEE].forEach((user) => keepKeysOf(user.email));
      expect({ kim: kim?.api_enabled, lee: lee?.api_enabled }).toStrictEqual({ kim: true, lee: false }); // prettier-ignore
      expect(patches()).toStrictEqual(
        [patchOf({ id: kim?.id ?? "" }, true), patchOf({ id: lee?.id ?? "" }, false)].sort(),
      );
      expect(up).not.toContain("error:");
      const state = await harness.state(stack);
      expect(outputsOf(state, "kim-access")).toMatchObject({ userId: kim?.id, initialApiEnabled: false }); // prettier-ignore
      expect(outputsOf(state, "lee-access")).toMatchObject({ userId: lee?.id, initialApiEnabled: true }); // prettier-ignore

      await stack.run(["preview", "--expect-no-changes"]);
    });

    it("a plain email that no user has fails `pulumi preview` in check", async () => {
      const stack = await harness.newStack("email-typo", TYPO_PLAIN);

      const preview = await stack.attempt(["preview"]);

      expect(preview.code).not.toBe(0);
      expect(combined(preview)).toContain(
        `no Vultr user has the email "nobdy@example.com" (the account holds ${harness.emulator.listUsers().length} users); check the address, or create the user first (a user this program creates: make this resource depend on it, with \`dependsOn\` or \`email: user.email\`)`,
      );
    });

    it("an email with a dependency that creates another user: preview warns, up fails at create", async () => {
      const stack = await harness.newStack("email-typo-dependency", TYPO_WITH_DEPENDENCY);

      const preview = combined(await stack.run(["preview"]));
      expect(diagnosticsOf(preview, "moo-access")).toContain(notYet("moo@example.com"));
      harness.emulator.clearRequestLog();

      const up = await stack.attempt(["up", "--yes"]);

      keepKeysOf(MO.email);
      expect(up.code).not.toBe(0);
      expect(combined(up)).toContain(
        `no Vultr user has the email moo@example.com (the account holds ${harness.emulator.listUsers().length} users), even after the steps this resource depends on ran: check the address, and the email the step that creates the user gives it, then run \`pulumi up\` again`,
      );
      expect(patches()).toStrictEqual([]);
      expect([...accessResources(await harness.state(stack)).keys()]).toStrictEqual([]);
    });
  });

  describe("the API keys", () => {
    it("appear in no state file, no CLI output, and no engine or plugin log", async () => {
      expect(await harness.wroteLogs()).toBe(true);
      const keys = [
        harness.emulator.ownerKey,
        OPS_ADMIN.api_key,
        NET_ADMIN.api_key,
        rotatedKey,
        ...createdKeys,
      ];
      expect(await harness.keyLeaks(keys)).toStrictEqual({ files: [], outputs: [] });
    });
  });
});
