import type { EmulatedUser, SeedUser } from "../../../emulator";
import type { ProviderHost } from "../../support/provider-host";
import { PROVIDER_KEY } from "../../support/provider-host";
import {
  expectCompleteOutputs,
  ProviderFixture,
  urnOf,
  type Adopted,
  type Props,
} from "../../support/lab";

/** The account: one user per test, each named like the resource that manages it. */
const ACCOUNT = {
  ciBot: { api_enabled: true, acls: ["dns", "billing", "dns"] },
  alice: { api_enabled: true },
  bob: { api_enabled: false },
  carol: { api_enabled: true },
  dave: { api_enabled: true },
  erin: { api_enabled: false },
  frank: { api_enabled: true },
  frankNext: { api_enabled: true },
  grace: { api_enabled: true },
  graceNext: { api_enabled: false },
  heidi: { api_enabled: true },
  ivan: { api_enabled: false },
  judy: { api_enabled: true },
  karl: { api_enabled: false, acls: ["support"] },
  lena: { api_enabled: true },
  mia: { api_enabled: true },
  nina: { api_enabled: true },
  oscar: { api_enabled: true },
  peggy: { api_enabled: false },
  quinn: { api_enabled: true },
} satisfies Record<string, Pick<SeedUser, "api_enabled" | "acls">>;

type Persona = keyof typeof ACCOUNT;

describe("UserApiAccess in the real provider host, against the emulator", () => {
  let fixture: ProviderFixture;
  let users: Record<Persona, EmulatedUser>;
  /** The provider process of an earlier `pulumi up`, which adopted what a test starts from. */
  let earlierRun: ProviderHost;

  beforeAll(async () => {
    fixture = await ProviderFixture.start();
    const personas = Object.keys(ACCOUNT) as Persona[];
    const seeded = fixture.emulator.seedUsers(
      personas.map((persona) => ({
        email: `${persona.toLowerCase()}@example.com`,
        name: persona,
        acls: ["subscriptions_view"],
        ...ACCOUNT[persona],
      })),
    );
    users = Object.fromEntries(personas.map((persona, i) => [persona, seeded[i]])) as Record<
      Persona,
      EmulatedUser
    >;
    earlierRun = await fixture.startHost({ suiteWide: true });
  });

  afterAll(async () => {
    await fixture?.close();
  });

  beforeEach(() => fixture.emulator.clearRequestLog());
  afterEach(() => fixture.closeHosts());

  function liveApiEnabled(user: EmulatedUser): boolean | undefined {
    return fixture.emulator.getUser(user.id)?.api_enabled;
  }

  /** The state one `pulumi up` left: adopted in an earlier provider process, log cleared. */
  async function adoptedInEarlierRun(name: Persona, inputs: Props): Promise<Adopted> {
    const adopted = await fixture.adopt(earlierRun, name, inputs);
    fixture.emulator.clearRequestLog();
    return adopted;
  }

  describe("create (adoption)", () => {
    it("adopts a user whose access already matches without writing to Vultr", async () => {
      const user = users.ciBot;
      const host = await fixture.startHost();

      const adopted = await fixture.adopt(host, "ci-bot", { userId: user.id, apiEnabled: true });

      expect(adopted.id).toBe(user.id);
      expectCompleteOutputs(adopted.outs);
      expect(adopted.outs).toMatchObject({
        userId: user.id,
        email: user.email,
        name: user.name,
        apiEnabled: true,
        acls: ["billing", "dns"],
        initialApiEnabled: true,
        onDelete: "restore",
      });
      expect(fixture.routes()).toStrictEqual(["GET /users"]);
    });

    it("records the value found at adoption and PATCHes only the difference", async () => {
      const user = users.alice;
      const host = await fixture.startHost();

      const adopted = await fixture.adopt(host, "alice", { userId: user.id, apiEnabled: false });

      expectCompleteOutputs(adopted.outs);
      expect(adopted.outs).toMatchObject({ apiEnabled: false, initialApiEnabled: true });
      expect(fixture.routes()).toStrictEqual(["GET /users", "PATCH /users/:id"]);
      expect(fixture.patchBodies()).toStrictEqual([{ api_enabled: false }]);
      expect(liveApiEnabled(user)).toBe(false);
      expect(host.output()).toContain(
        `adopted: set api_enabled to false on Vultr user ${user.email} (${user.id}) (was true)`,
      );
    });
  });

  describe("diff", () => {
    it("reports no change when Vultr matches the declaration", async () => {
      const user = users.bob;
      const declaration = { userId: user.id, apiEnabled: false };
      const earlier = await adoptedInEarlierRun("bob", declaration);
      const host = await fixture.startHost();

      const { diff } = await fixture.preview(host, "bob", earlier, declaration);

      expect(diff).toStrictEqual({
        changes: "DIFF_NONE",
        replaces: [],
        deleteBeforeReplace: false,
      });
      expect(fixture.routes()).toStrictEqual(["GET /users"]);
    });

    it("finds access changed in the console, names the user with both values, and up repairs it", async () => {
      const user = users.carol;
      const declaration = { userId: user.id, apiEnabled: false };
      const earlier = await adoptedInEarlierRun("carol", declaration);
      fixture.emulator.setUser(user.id, { api_enabled: true });
      const host = await fixture.startHost();

      const { inputs, diff } = await fixture.preview(host, "carol", earlier, declaration);

      expect(diff).toStrictEqual({
        changes: "DIFF_SOME",
        replaces: [],
        deleteBeforeReplace: false,
      });
      expect(host.output()).toContain(
        `drift on Vultr user ${user.email} (${user.id}): api_enabled is true in Vultr, declared false`,
      );

      const updated = await host.update(earlier.id, urnOf("carol"), earlier.outs, inputs);

      expectCompleteOutputs(updated.outs);
      expect(updated.outs).toMatchObject({ apiEnabled: false, initialApiEnabled: true });
      expect(fixture.routes()).toStrictEqual(["GET /users", "PATCH /users/:id"]);
      expect(fixture.patchBodies()).toStrictEqual([{ api_enabled: false }]);
      expect(liveApiEnabled(user)).toBe(false);
    });

    it("updates only the state when onDelete alone changes, with no PATCH", async () => {
      const user = users.dave;
      const earlier = await adoptedInEarlierRun("dave", { userId: user.id, apiEnabled: true });
      const host = await fixture.startHost();

      const { inputs, diff } = await fixture.preview(host, "dave", earlier, {
        userId: user.id,
        apiEnabled: true,
        onDelete: "retain",
      });
      expect(diff).toStrictEqual({
        changes: "DIFF_SOME",
        replaces: [],
        deleteBeforeReplace: false,
      });

      const updated = await host.update(earlier.id, urnOf("dave"), earlier.outs, inputs);

      expectCompleteOutputs(updated.outs);
      expect(updated.outs).toMatchObject({ onDelete: "retain", apiEnabled: true });
      expect(fixture.routes()).toStrictEqual(["GET /users"]);
    });

    it("records a changed declaration that Vultr already holds, without a PATCH", async () => {
      const user = users.erin;
      const earlier = await adoptedInEarlierRun("erin", { userId: user.id, apiEnabled: false });
      // Somebody granted access in the console, and the program now declares exactly that.
      fixture.emulator.setUser(user.id, { api_enabled: true });
      const host = await fixture.startHost();

      const { inputs, diff } = await fixture.preview(host, "erin", earlier, {
        userId: user.id,
        apiEnabled: true,
      });
      expect(diff.changes).toBe("DIFF_SOME");
      expect(host.output()).toContain(
        `Vultr user ${user.email} (${user.id}) already has api_enabled true, as now declared`,
      );

      const updated = await host.update(earlier.id, urnOf("erin"), earlier.outs, inputs);

      expectCompleteOutputs(updated.outs);
      expect(updated.outs).toMatchObject({ apiEnabled: true, initialApiEnabled: false });
      expect(fixture.routes()).toStrictEqual(["GET /users"]);
    });

    it("replaces the resource when userId names another user", async () => {
      const earlier = await adoptedInEarlierRun("frank", {
        userId: users.frank.id,
        apiEnabled: true,
      });
      const host = await fixture.startHost();

      const { diff } = await fixture.preview(host, "frank", earlier, {
        userId: users.frankNext.id,
        apiEnabled: true,
      });

      expect(diff).toStrictEqual({
        changes: "DIFF_SOME",
        replaces: ["userId"],
        deleteBeforeReplace: false,
      });
      // Both users named, with what each will get; both read from the one list read.
      expect(host.output()).toContain(
        `userId now names Vultr user ${users.frankNext.email} (${users.frankNext.id}) instead of ` +
          `${users.frank.email} (${users.frank.id}): the resource will be replaced — ` +
          `${users.frankNext.email} (${users.frankNext.id}) keeps api_enabled true (no change); ` +
          `${users.frank.email} (${users.frank.id}) is released under onDelete "restore" and keeps api_enabled true`,
      );
      expect(fixture.routes()).toStrictEqual(["GET /users"]);
    });

    it("replaces the resource when email names another user", async () => {
      const earlier = await adoptedInEarlierRun("grace", {
        email: users.grace.email,
        apiEnabled: true,
      });
      const host = await fixture.startHost();

      const { inputs, diff } = await fixture.preview(host, "grace", earlier, {
        email: users.graceNext.email,
        apiEnabled: true,
      });

      expect(inputs).toMatchObject({ userId: users.graceNext.id, email: users.graceNext.email });
      expect(diff).toStrictEqual({
        changes: "DIFF_SOME",
        replaces: ["email"],
        deleteBeforeReplace: false,
      });
    });
  });

  describe("update", () => {
    it("disables access with a JSON false on the wire and returns every output", async () => {
      const user = users.heidi;
      const earlier = await adoptedInEarlierRun("heidi", { userId: user.id, apiEnabled: true });
      const host = await fixture.startHost();

      const { inputs, diff } = await fixture.preview(host, "heidi", earlier, {
        userId: user.id,
        apiEnabled: false,
        onDelete: "disable",
      });
      expect(diff.changes).toBe("DIFF_SOME");
      expect(host.output()).toContain(
        `Vultr user ${user.email} (${user.id}): api_enabled is true in Vultr, declared false — up will revoke API access`,
      );

      const updated = await host.update(earlier.id, urnOf("heidi"), earlier.outs, inputs);

      expectCompleteOutputs(updated.outs);
      expect(updated.outs).toMatchObject({
        userId: user.id,
        apiEnabled: false,
        initialApiEnabled: true,
        onDelete: "disable",
      });
      expect(fixture.patchBodies()).toStrictEqual([{ api_enabled: false }]);
      expect(liveApiEnabled(user)).toBe(false);

      // The directory learnt the PATCH: the same update again has nothing to send.
      fixture.emulator.clearRequestLog();
      const again = await host.update(earlier.id, urnOf("heidi"), updated.outs, inputs);
      expectCompleteOutputs(again.outs);
      expect(fixture.routes()).toStrictEqual([]);
    });

    it("grants access back and keeps the value found at adoption", async () => {
      const user = users.ivan;
      const earlier = await adoptedInEarlierRun("ivan", { userId: user.id, apiEnabled: false });
      const host = await fixture.startHost();

      const { inputs } = await fixture.preview(host, "ivan", earlier, {
        userId: user.id,
        apiEnabled: true,
      });
      const updated = await host.update(earlier.id, urnOf("ivan"), earlier.outs, inputs);

      expectCompleteOutputs(updated.outs);
      expect(updated.outs).toMatchObject({ apiEnabled: true, initialApiEnabled: false });
      expect(fixture.patchBodies()).toStrictEqual([{ api_enabled: true }]);
      expect(liveApiEnabled(user)).toBe(true);
    });

    it("fails with what to do when the user was deleted in Vultr", async () => {
      const user = users.judy;
      const earlier = await adoptedInEarlierRun("judy", { userId: user.id, apiEnabled: true });
      fixture.emulator.deleteUser(user.id);
      const host = await fixture.startHost();

      // Check confirms the miss with a single read, and fails in preview already.
      const urn = urnOf("judy");
      const news = fixture.news({ userId: user.id, apiEnabled: false }, "judy");
      const checked = await host.check(urn, earlier.inputs, news);
      expect(checked.failures).toStrictEqual([
        {
          property: "userId",
          reason: expect.stringMatching(
            new RegExp(
              `^Vultr user ${user.id} does not exist in this account \\(the account holds \\d+ users\\): remove the resource from the program, or run \`pulumi refresh\``,
            ),
          ) as unknown,
        },
      ]);
      // Should the engine go on (diff and update of the stored state), they say the same.
      const diff = await host.diff(earlier.id, urn, earlier.outs, earlier.inputs);
      expect(diff.changes).toBe("DIFF_SOME");
      expect(host.output()).toContain(`Vultr user ${user.email} (${user.id}) no longer exists`);
      await expect(host.update(earlier.id, urn, earlier.outs, earlier.inputs)).rejects.toThrow(
        /does not exist in this account.*pulumi refresh/,
      );
      expect(fixture.routes()).toStrictEqual(["GET /users", "GET /users/:id"]);
    });
  });

  describe("read (refresh)", () => {
    it("returns the live values and the declared inputs after drift", async () => {
      const user = users.karl;
      const { id, outs } = await adoptedInEarlierRun("karl", {
        userId: user.id,
        apiEnabled: false,
        onDelete: "disable",
      });
      fixture.emulator.setUser(user.id, { api_enabled: true, acls: ["support", "dns"] });
      const host = await fixture.startHost();

      const read = await host.read(id, urnOf("karl"), outs);

      expect(read.id).toBe(user.id);
      expectCompleteOutputs(read.outs);
      expect(read.outs).toMatchObject({
        apiEnabled: true,
        acls: ["dns", "support"],
        initialApiEnabled: false,
        onDelete: "disable",
      });
      // The inputs as declared, but with the live apiEnabled: the engine then shows the drift
      // as `apiEnabled: false => true`, and nothing else.
      expect(read.inputs).toStrictEqual({
        [PROVIDER_KEY]: fixture.provider,
        __urn: urnOf("karl"),
        userId: user.id,
        apiEnabled: true,
        onDelete: "disable",
      });
      expect(fixture.routes()).toStrictEqual(["GET /users"]);
    });

    it("returns an empty id for a user deleted in Vultr, so refresh drops it", async () => {
      const user = users.lena;
      const { id, outs } = await adoptedInEarlierRun("lena", { userId: user.id, apiEnabled: true });
      fixture.emulator.deleteUser(user.id);
      const host = await fixture.startHost();

      const read = await host.read(id, urnOf("lena"), outs);

      expect(read.id).toBe("");
    });
  });

  describe("delete", () => {
    it("restores the value found at adoption when the resource is deleted", async () => {
      const user = users.mia;
      const { id, outs } = await adoptedInEarlierRun("mia", { userId: user.id, apiEnabled: false });
      const host = await fixture.startHost();

      await host.delete(id, urnOf("mia"), outs);

      expect(fixture.routes()).toStrictEqual(["GET /users", "PATCH /users/:id"]);
      expect(fixture.patchBodies()).toStrictEqual([{ api_enabled: true }]);
      expect(liveApiEnabled(user)).toBe(true);
    });

    it("sends nothing under restore when the user already has the value found at adoption", async () => {
      const user = users.nina;
      const { id, outs } = await adoptedInEarlierRun("nina", { userId: user.id, apiEnabled: true });
      const host = await fixture.startHost();

      await host.delete(id, urnOf("nina"), outs);

      expect(fixture.routes()).toStrictEqual(["GET /users"]);
    });

    it("revokes API access under the disable policy", async () => {
      const user = users.oscar;
      const { id, outs } = await adoptedInEarlierRun("oscar", {
        userId: user.id,
        apiEnabled: true,
        onDelete: "disable",
      });
      const host = await fixture.startHost();

      await host.delete(id, urnOf("oscar"), outs);

      expect(fixture.patchBodies()).toStrictEqual([{ api_enabled: false }]);
      expect(liveApiEnabled(user)).toBe(false);
    });

    it("leaves the user as it is under the retain policy", async () => {
      const user = users.peggy;
      const { id, outs } = await adoptedInEarlierRun("peggy", {
        userId: user.id,
        apiEnabled: true,
        onDelete: "retain",
      });
      const host = await fixture.startHost();

      await host.delete(id, urnOf("peggy"), outs);

      expect(fixture.routes()).toStrictEqual(["GET /users"]);
      expect(liveApiEnabled(user)).toBe(true);
    });

    it("succeeds when the user is already gone from Vultr", async () => {
      const user = users.quinn;
      const { id, outs } = await adoptedInEarlierRun("quinn", {
        userId: user.id,
        apiEnabled: false,
      });
      fixture.emulator.deleteUser(user.id);
      const host = await fixture.startHost();

      await host.delete(id, urnOf("quinn"), outs);

      // The miss in the list is confirmed with a single read before it counts as gone.
      expect(fixture.routes()).toStrictEqual(["GET /users", "GET /users/:id"]);
    });
  });

  // Runs last: everything the suite made the hosts say and return.
  it("never shows the API key in host output, outputs or error messages", () => {
    const shown = fixture.everythingShown();
    expect(shown).toContain("does not exist in this account");
    expect(shown).not.toContain(fixture.apiKey);
  });
});
