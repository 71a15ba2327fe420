import type { EmulatedUser } from "../../../emulator";
import { UNKNOWN, type ProviderHost } from "../../support/provider-host";
import { hostEnv, ProviderFixture, urnOf, type Props } from "../../support/lab";

const VALID_ID = "cb676a46-66fd-4dfb-b839-443f2e6c0b60";
/** Shaped like a Vultr key, and not this account's. */
const REFUSED_KEY = "REFUSEDKEY0123456789ABCDEFGHIJKLMNOP";
const URN = urnOf("access");

describe("checking inputs in the real provider host", () => {
  let fixture: ProviderFixture;
  let alice: EmulatedUser;
  let bob: EmulatedUser;
  /** For checks that must not reach Vultr at all: its directory never needs loading. */
  let host: ProviderHost;

  beforeAll(async () => {
    fixture = await ProviderFixture.start({ users: 12, seed: 3 });
    [alice, bob] = fixture.emulator.seedUsers([
      { email: "alice@example.com", name: "Alice", api_enabled: true },
      { email: "bob@example.com", name: "Bob", api_enabled: false },
    ]) as [EmulatedUser, EmulatedUser];
    host = await fixture.startHost({ suiteWide: true });
  });

  afterAll(async () => {
    await fixture?.close();
  });

  beforeEach(() => fixture.emulator.clearRequestLog());
  afterEach(() => fixture.closeHosts());

  describe("email lookup", () => {
    it("resolves an email to the user id with one list read, ignoring case", async () => {
      const fresh = await fixture.startHost();

      const checked = await fresh.check(
        URN,
        {},
        fixture.news({ email: " Alice@Example.COM ", apiEnabled: true }),
      );

      expect(checked.failures).toStrictEqual([]);
      expect(checked.inputs).toStrictEqual(
        fixture.news({
          userId: alice.id,
          email: "alice@example.com",
          apiEnabled: true,
          onDelete: "restore",
        }),
      );
      expect(fixture.routes()).toStrictEqual(["GET /users"]);
    });

    it("accepts a userId and an email naming the same user", async () => {
      const fresh = await fixture.startHost();
      const news = fixture.news({ userId: bob.id, email: bob.email, apiEnabled: false });

      const checked = await fresh.check(URN, {}, news);

      expect(checked.failures).toStrictEqual([]);
      expect(checked.inputs).toMatchObject({ userId: bob.id, email: bob.email });
    });

    it("fails an email no user has, saying what the account holds", async () => {
      const fresh = await fixture.startHost();
      const news = fixture.news({ email: "nobody@example.com", apiEnabled: true });

      const { failures } = await fresh.check(URN, {}, news);

      expect(failures).toHaveLength(1);
      expect(failures[0]?.property).toBe("email");
      expect(failures[0]?.reason).toContain('no Vultr user has the email "nobody@example.com"');
      expect(failures[0]?.reason).toBe(
        'no Vultr user has the email "nobody@example.com" (the account holds 14 users); check the address, or create the user first (a user this program creates: make this resource depend on it, with `dependsOn` or `email: user.email`)',
      );
    });

    it("lets an absent email pass with a warning when a step it depends on may create the user, and create fails if it did not", async () => {
      const fresh = await fixture.startHost();
      const news = fixture.news(
        { email: "later@example.com", apiEnabled: true, __mayBeCreated: true },
        "later",
      );

      const checked = await fresh.check(urnOf("later"), {}, news);

      expect(checked.failures).toStrictEqual([]);
      // Never stored: an existing stack's inputs stay what they were.
      expect(checked.inputs).toStrictEqual(
        fixture.news(
          { email: "later@example.com", apiEnabled: true, onDelete: "restore" },
          "later",
        ),
      );
      expect(fresh.output()).toContain(
        "warning (later): no Vultr user has the email later@example.com yet (the account holds 14 users); if an earlier step of this run creates it, up will adopt it, otherwise up fails",
      );
      // The miss was confirmed with one more list read; create trusts it and sends nothing.
      expect(fixture.routes()).toStrictEqual(["GET /users", "GET /users"]);
      await expect(fresh.create(urnOf("later"), checked.inputs)).rejects.toThrow(
        "no Vultr user has the email later@example.com (the account holds 14 users), even after the steps this resource depends on ran: check the address, and the email the step that creates the user gives it, then run `pulumi up` again",
      );
      expect(fixture.routes()).toStrictEqual(["GET /users", "GET /users"]);
    });

    it("fails a userId and an email that name different users, naming both", async () => {
      const fresh = await fixture.startHost();
      const news = fixture.news({ userId: alice.id, email: bob.email, apiEnabled: true });

      const { failures } = await fresh.check(URN, {}, news);

      expect(failures).toHaveLength(1);
      expect(failures[0]?.property).toBe("userId");
      expect(failures[0]?.reason).toContain(`userId ${alice.id} and email ${bob.email}`);
      expect(failures[0]?.reason).toContain(`the email belongs to ${bob.id}`);
      expect(failures[0]?.reason).toContain(`the id to user ${alice.email} (${alice.id})`);
    });
  });

  describe("bad input", () => {
    it.each<[string, Props, string, RegExp]>([
      ["apiEnabled missing", { userId: VALID_ID }, "apiEnabled", /apiEnabled is required/],
      [
        "apiEnabled not a boolean",
        { userId: VALID_ID, apiEnabled: "false" },
        "apiEnabled",
        /must be a boolean .*string "false"/,
      ],
      ["neither userId nor email", { apiEnabled: true }, "userId", /set userId .* or email/],
      [
        "a userId that is not an id",
        { userId: "../account", apiEnabled: true },
        "userId",
        /"\.\.\/account" is not a Vultr user id/,
      ],
      [
        "an encoded path in the userId, next to a valid email",
        { userId: `${VALID_ID}%2F..`, email: "alice@example.com", apiEnabled: true },
        "userId",
        /is not a Vultr user id/,
      ],
      [
        "a malformed email",
        { email: "alice.example.com", apiEnabled: true },
        "email",
        /"alice\.example\.com" is not an email address/,
      ],
      [
        "an unknown onDelete",
        { userId: VALID_ID, apiEnabled: true, onDelete: "delete" },
        "onDelete",
        /onDelete must be one of "restore", "disable" or "retain", got "delete"/,
      ],
    ])(
      "fails %s: a CheckFailure names the property and nothing is sent",
      async (_, inputs, property, reason) => {
        const { failures } = await host.check(URN, {}, fixture.news(inputs));

        expect(failures).toHaveLength(1);
        expect(failures[0]?.property).toBe(property);
        expect(failures[0]?.reason).toMatch(reason);
        expect(fixture.routes()).toStrictEqual([]);
      },
    );

    it("lets values that are unknown during preview through, sending nothing", async () => {
      const unknowns = [
        { userId: UNKNOWN, apiEnabled: UNKNOWN, onDelete: UNKNOWN },
        { email: UNKNOWN, apiEnabled: true },
        { userId: VALID_ID, email: UNKNOWN, apiEnabled: false },
      ];
      for (const inputs of unknowns) {
        const checked = await host.check(URN, {}, fixture.news(inputs));
        expect(checked.failures).toStrictEqual([]);
        expect(checked.inputs).toMatchObject(inputs);
      }
      expect(fixture.routes()).toStrictEqual([]);
    });

    it("shows a possible change in preview when the declaration is not known yet", async () => {
      const fresh = await fixture.startHost();
      const adopted = await fixture.adopt(fresh, "access", { userId: alice.id, apiEnabled: true });

      const diff = await fresh.diff(
        adopted.id,
        URN,
        adopted.outs,
        fixture.news({ userId: alice.id, apiEnabled: UNKNOWN, onDelete: "restore" }),
      );

      expect(diff).toStrictEqual({
        changes: "DIFF_SOME",
        replaces: [],
        deleteBeforeReplace: false,
      });
    });
  });

  describe("the API key", () => {
    const endpointOnly = (): Record<string, string> => ({
      "vultr:apiEndpoint": fixture.emulator.baseUrl,
    });

    it("fails clearly, naming vultr:apiKey and VULTR_API_KEY, when no key is set", async () => {
      const keyless = await fixture.startHost({ config: endpointOnly() });
      const byEmail = fixture.news({ email: alice.email, apiEnabled: true });
      const byId = fixture.news({ userId: alice.id, apiEnabled: true, onDelete: "restore" });

      for (const attempt of [
        () => keyless.check(URN, {}, byEmail),
        () => keyless.create(URN, byId),
        () => keyless.diff(alice.id, URN, byId, byId),
        () => keyless.read(alice.id, URN, byId),
      ]) {
        await expect(attempt()).rejects.toThrow(
          /No Vultr API key: set it as a stack secret with `pulumi config set --secret vultr:apiKey <key>`, or in the VULTR_API_KEY environment variable/,
        );
      }
      expect(fixture.routes()).toStrictEqual([]);
    });

    it("reads the key from VULTR_API_KEY when the stack config has none", async () => {
      const fromEnv = await fixture.startHost({
        config: endpointOnly(),
        env: hostEnv({ VULTR_API_KEY: fixture.apiKey }),
      });

      const checked = await fromEnv.check(
        URN,
        {},
        fixture.news({ email: bob.email, apiEnabled: false }),
      );

      expect(checked.failures).toStrictEqual([]);
      expect(checked.inputs).toMatchObject({ userId: bob.id });
    });

    it("prefers the stack config's key over VULTR_API_KEY", async () => {
      const both = await fixture.startHost({ env: hostEnv({ VULTR_API_KEY: REFUSED_KEY }) });

      const checked = await both.check(
        URN,
        {},
        fixture.news({ email: bob.email, apiEnabled: false }),
      );

      expect(checked.failures).toStrictEqual([]);
      expect(fixture.emulator.requestLog().map((entry) => entry.status)).toStrictEqual([200]);
    });

    it("reports a refused key with Vultr's answer and what to do, never the key", async () => {
      const refused = await fixture.startHost({
        config: { "vultr:apiKey": REFUSED_KEY, "vultr:apiEndpoint": fixture.emulator.baseUrl },
      });

      const check = refused.check(URN, {}, fixture.news({ email: bob.email, apiEnabled: false }));

      await expect(check).rejects.toThrow(/Vultr answered 401 "Invalid API token\."/);
      await expect(check).rejects.toThrow(/check `vultr:apiKey`/);
      await expect(check).rejects.not.toThrow(REFUSED_KEY);
      // 401 is not retried: asking again with the same key cannot help.
      expect(fixture.routes()).toStrictEqual(["GET /users"]);
    });
  });

  // Runs last: everything the suite made the hosts say and return.
  it("never shows an API key in host output, outputs or error messages", () => {
    const shown = fixture.everythingShown();
    expect(shown).toContain("No Vultr API key");
    expect(shown).toContain("Vultr answered 401");
    expect(shown).not.toContain(fixture.apiKey);
    expect(shown).not.toContain(REFUSED_KEY);
  });
});
