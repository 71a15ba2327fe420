import type { EmulatedUser } from "../../../emulator";
import type { ProviderHost } from "../../support/provider-host";
import { ProviderFixture, urnOf, type Adopted, type Props } from "../../support/lab";

/**
 * The performance contract (DESIGN.md, "The directory"): a preview, an up without changes or a
 * refresh of k resources over T users costs at most min(k, ⌈T/500⌉) + 1 API requests.
 */
const USERS = 1200;
const FLEET = 30;
const PAGE = 500;
const budget = (k: number, t: number): number => Math.min(k, Math.ceil(t / PAGE)) + 1;

describe("the request budget over a large account", () => {
  let fixture: ProviderFixture;
  let fleet: EmulatedUser[];
  let adopted: Adopted[];

  /** As the SDK declares them: half by id, half by email, each with the program's fleet size. */
  function declaration(user: EmulatedUser, index: number, fleetSize = FLEET): Props {
    const target = index % 2 === 0 ? { userId: user.id } : { email: user.email };
    return fixture.news({ ...target, apiEnabled: user.api_enabled, __fleetSize: fleetSize });
  }

  beforeAll(async () => {
    fixture = await ProviderFixture.start({ users: USERS, seed: 42 });
    // Spread over all three pages of the list.
    const users = fixture.emulator.listUsers();
    fleet = Array.from({ length: FLEET }, (_, i) => users[i * 40 + 7] as EmulatedUser);
    const earlierRun = await fixture.startHost();
    adopted = [];
    for (const [i, user] of fleet.entries()) {
      const checked = await earlierRun.check(urnOf(`user-${i}`), {}, declaration(user, i));
      const { id, outs } = await earlierRun.create(urnOf(`user-${i}`), checked.inputs);
      adopted.push({ id, outs, inputs: checked.inputs });
    }
    await fixture.closeHosts();
  });

  afterAll(async () => {
    await fixture?.close();
  });

  beforeEach(() => fixture.emulator.clearRequestLog());
  afterEach(() => fixture.closeHosts());

  /** Check then Diff, one resource at a time, as the engine runs a preview. */
  async function preview(host: ProviderHost, indexes: number[], fleetSize: number) {
    const changes: string[] = [];
    for (const i of indexes) {
      const user = fleet[i] as EmulatedUser;
      const { id, outs, inputs } = adopted[i] as Adopted;
      const checked = await host.check(urnOf(`user-${i}`), inputs, declaration(user, i, fleetSize));
      expect(checked.failures).toStrictEqual([]);
      changes.push((await host.diff(id, urnOf(`user-${i}`), outs, checked.inputs)).changes);
    }
    return changes;
  }

  it(`previews ${FLEET} resources over ${USERS} users within ${budget(FLEET, USERS)} requests`, async () => {
    const host = await fixture.startHost();
    const all = fleet.map((_, i) => i);

    const changes = await preview(host, all, FLEET);

    expect(changes).toStrictEqual(all.map(() => "DIFF_NONE"));
    expect(fixture.routes().length).toBeLessThanOrEqual(budget(FLEET, USERS));
    expect(fixture.routes().every((route) => route === "GET /users")).toBe(true);
  });

  it(`refreshes ${FLEET} resources in parallel in a fresh process within ${budget(FLEET, USERS)} requests`, async () => {
    const host = await fixture.startHost();

    const reads = await Promise.all(
      adopted.map(({ id, outs }, i) => host.read(id, urnOf(`user-${i}`), outs)),
    );

    expect(reads.map((read) => read.id)).toStrictEqual(fleet.map((user) => user.id));
    expect(fixture.routes().length).toBeLessThanOrEqual(budget(FLEET, USERS));
  });

  it("reads a single resource past the first page with one GET instead of the whole list", async () => {
    const host = await fixture.startHost();
    // The last of the fleet, declared by id, lives on the third page.
    const last = FLEET - 2;
    expect(fixture.emulator.listUsers().findIndex((u) => u.id === fleet[last]?.id)).toBeGreaterThan(
      2 * PAGE,
    );

    const changes = await preview(host, [last], 1);

    expect(changes).toStrictEqual(["DIFF_NONE"]);
    expect(fixture.routes()).toStrictEqual(["GET /users", "GET /users/:id"]);
    expect(fixture.routes().length).toBeLessThanOrEqual(budget(1, USERS));
  });

  it("refreshes and destroys a program of one resource with single reads, from the fleet size kept in state", async () => {
    // A program that declares one user, adopted in an earlier run: its stored outputs carry the
    // fleet size, which refresh and destroy (they run no check) read back.
    const user = fixture.emulator.listUsers()[USERS - 3] as EmulatedUser;
    const setup = await fixture.startHost();
    const checked = await setup.check(urnOf("solo"), {}, declaration(user, 0, 1));
    const { id, outs } = await setup.create(urnOf("solo"), checked.inputs);
    expect(outs.__fleetSize).toBe(1);
    await fixture.closeHosts();

    fixture.emulator.clearRequestLog();
    const refresh = await fixture.startHost();
    expect((await refresh.read(id, urnOf("solo"), outs)).id).toBe(user.id);
    expect(fixture.routes()).toStrictEqual(["GET /users", "GET /users/:id"]);
    await fixture.closeHosts();

    fixture.emulator.clearRequestLog();
    const destroy = await fixture.startHost();
    await destroy.delete(id, urnOf("solo"), { ...outs, onDelete: "retain" });
    expect(fixture.routes()).toStrictEqual(["GET /users", "GET /users/:id"]);
    expect(fixture.routes().length).toBeLessThanOrEqual(budget(1, USERS));
  });
});
