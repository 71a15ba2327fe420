import { startEmulator, type EmulatedUser } from "../../emulator";
import { useEmulator } from "../support/use-emulator";
import { api, control } from "./http";

const emulator = useEmulator(() => startEmulator({ rateLimitPerSecond: 0 }));
let bot: EmulatedUser;
let viewer: EmulatedUser;

beforeEach(() => {
  emulator.reset();
  emulator.setClientAddress(undefined);
  emulator.setBehaviour({
    allowlistPublicOnly: true,
    allowlistMaxEntries: 50,
    allowlistHostBits: "reject",
    allowlistAbsentRemoveStatus: 404,
  });
  [bot, viewer] = emulator.seedUsers([
    { email: "bot@example.com", name: "CI Bot", acls: ["manage_users"] },
    { email: "viewer@example.com", name: "Viewer", acls: ["subscriptions_view"] },
  ]) as [EmulatedUser, EmulatedUser];
});

const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) as unknown;
const path = (user: EmulatedUser) => `/users/${user.id}/ip-whitelist`;
const subnetsOf = (user: EmulatedUser) =>
  emulator.getAllowlist(user.id).map((entry) => `${entry.subnet}/${entry.subnet_size}`);

describe("GET /users/{id}/ip-whitelist", () => {
  it("lists the two 'any' entries every user starts with, with meta.total", async () => {
    const answer = await api(emulator, "GET", path(bot));
    expect(answer.status).toBe(200);
    expect(answer.json).toStrictEqual({
      ip_whitelist: [
        { subnet: "0.0.0.0", subnet_size: 0, date_added: ISO, ip_type: "v4" },
        { subnet: "::", subnet_size: 0, date_added: ISO, ip_type: "v6" },
      ],
      meta: { total: 2 },
    });
  });

  it("gives users created through the API the same defaults", async () => {
    const created = await api(emulator, "POST", "/users", {
      body: { email: "n@example.com", first_name: "N", last_name: "U", password: "pw" },
    });
    const id = (created.json as { user: { id: string } }).user.id;
    const answer = await api(emulator, "GET", `/users/${id}/ip-whitelist`);
    expect((answer.json as { meta: { total: number } }).meta.total).toBe(2);
  });

  it("answers one entry by subnet and size, and 404 for an absent one", async () => {
    const found = await api(emulator, "GET", `${path(bot)}/entry?subnet=::&subnet_size=0`);
    expect(found.status).toBe(200);
    expect(found.json).toStrictEqual({
      ip_whitelist_entry: { subnet: "::", subnet_size: 0, date_added: ISO, ip_type: "v6" },
    });
    const absent = await api(emulator, "GET", `${path(bot)}/entry?subnet=8.8.8.0&subnet_size=24`);
    expect(absent.status).toBe(404);
    expect(absent.text).toBe('{"error":"IP whitelist entry not found.","status":404}');
    const bad = await api(emulator, "GET", `${path(bot)}/entry?subnet=8.8.8.0&subnet_size=x`);
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: expect.stringMatching(/subnet_size/) as unknown });
  });
});

describe("POST and DELETE /users/{id}/ip-whitelist", () => {
  it("adds an entry (204, empty body); adding it again is 204 with no duplicate", async () => {
    const body = { subnet: "45.76.0.0", subnet_size: 16 };
    const first = await api(emulator, "POST", path(bot), { body });
    expect(first.status).toBe(204);
    expect(first.text).toBe("");
    expect((await api(emulator, "POST", path(bot), { body })).status).toBe(204);
    expect(subnetsOf(bot)).toStrictEqual(["0.0.0.0/0", "::/0", "45.76.0.0/16"]);
  });

  it("stores IPv6 in RFC 5952 form and finds it in any spelling", async () => {
    const body = { subnet: "2606:4700:0000:0000::", subnet_size: 32 };
    expect((await api(emulator, "POST", path(bot), { body })).status).toBe(204);
    expect(emulator.getAllowlist(bot.id)[2]).toStrictEqual({
      subnet: "2606:4700::",
      subnet_size: 32,
      date_added: ISO,
      ip_type: "v6",
    });
    const found = await api(
      emulator,
      "GET",
      `${path(bot)}/entry?subnet=2606:4700:0::&subnet_size=32`,
    );
    expect(found.status).toBe(200);
  });

  it("removes an entry with a DELETE carrying a JSON body, and logs that body", async () => {
    const answer = await api(emulator, "DELETE", path(bot), {
      body: { subnet: "0.0.0.0", subnet_size: 0 },
    });
    expect(answer.status).toBe(204);
    expect(subnetsOf(bot)).toStrictEqual(["::/0"]);
    expect(emulator.requestLog().at(-1)).toMatchObject({
      route: "DELETE /users/:id/ip-whitelist",
      status: 204,
      body: { subnet: "0.0.0.0", subnet_size: 0 },
    });
  });

  it("answers 404 to removing an absent entry, or 204 with the knob", async () => {
    const body = { subnet: "8.8.8.0", subnet_size: 24 };
    const absent = await api(emulator, "DELETE", path(bot), { body });
    expect(absent.status).toBe(404);
    expect(absent.text).toBe('{"error":"IP whitelist entry not found.","status":404}');
    emulator.setBehaviour({ allowlistAbsentRemoveStatus: 204 });
    expect((await api(emulator, "DELETE", path(bot), { body })).status).toBe(204);
  });

  it.each<[string, unknown, RegExp]>([
    ["a malformed subnet", { subnet: "8.8.8", subnet_size: 24 }, /subnet "8.8.8" is not a valid/],
    ["a leading-zero IPv4", { subnet: "010.0.0.0", subnet_size: 8 }, /is not a valid/],
    ["a missing subnet", { subnet_size: 24 }, /subnet is required/],
    ["a string subnet_size", { subnet: "8.8.8.0", subnet_size: "24" }, /subnet_size must be an integer/],
    ["a fractional subnet_size", { subnet: "8.8.8.0", subnet_size: 24.5 }, /subnet_size must be an integer/],
    ["an IPv4 prefix over 32", { subnet: "8.8.8.0", subnet_size: 33 }, /out of range for IPv4/],
    ["an IPv4 prefix under 8", { subnet: "8.0.0.0", subnet_size: 7 }, /too wide for IPv4/],
    ["an IPv6 prefix under 20", { subnet: "2600::", subnet_size: 16 }, /too wide for IPv6/],
    ["/0 with a real address", { subnet: "8.8.8.0", subnet_size: 0 }, /needs subnet 0.0.0.0/],
    ["host bits set", { subnet: "8.8.8.5", subnet_size: 24 }, /host bits set.*8\.8\.8\.0\/24/],
    ["a private range", { subnet: "10.0.0.0", subnet_size: 8 }, /private range \(RFC 1918\), 10\.0\.0\.0\/8/],
    ["a range overlapping a private one", { subnet: "172.0.0.0", subnet_size: 8 }, /overlaps a private range.*172\.16\.0\.0\/12/],
    ["loopback", { subnet: "127.0.0.1", subnet_size: 32 }, /loopback/],
    ["link-local", { subnet: "169.254.1.0", subnet_size: 24 }, /link-local/],
    ["a documentation range", { subnet: "198.51.100.0", subnet_size: 24 }, /documentation range \(TEST-NET-2\)/],
    ["CGNAT", { subnet: "100.64.0.0", subnet_size: 10 }, /carrier-grade NAT/],
    ["benchmarking", { subnet: "198.18.0.0", subnet_size: 15 }, /benchmarking/],
    ["multicast", { subnet: "224.0.0.0", subnet_size: 8 }, /multicast/],
    ["reserved", { subnet: "250.0.0.0", subnet_size: 8 }, /reserved/],
    ["IPv6 documentation", { subnet: "2001:db8::", subnet_size: 32 }, /documentation range \(RFC 3849\)/],
    ["IPv6 unique-local", { subnet: "fd00::", subnet_size: 64 }, /unique-local/],
    ["IPv6 outside 2000::/3", { subnet: "4000::", subnet_size: 32 }, /global unicast/],
    ["a non-object body", ["8.8.8.0", 24], /JSON object/],
  ])("answers 400 with a reason to %s, and adds nothing", async (_case, body, reason) => {
    const answer = await api(emulator, "POST", path(bot), { body });
    expect(answer.status).toBe(400);
    expect(answer.json).toStrictEqual({ error: expect.stringMatching(reason) as unknown, status: 400 });
    expect(subnetsOf(bot)).toStrictEqual(["0.0.0.0/0", "::/0"]);
  }); // prettier-ignore

  it("accepts real public ranges of both families", async () => {
    for (const [subnet, size] of [["8.8.8.0", 24], ["140.82.112.0", 20], ["2001:4860::", 32], ["8.8.4.4", 32]] as const) {
      const answer = await api(emulator, "POST", path(bot), { body: { subnet, subnet_size: size } });
      expect(answer.status).toBe(204);
    }
    expect(subnetsOf(bot)).toHaveLength(6);
  }); // prettier-ignore

  it("stores the network when the host-bits knob says mask, and takes any range when public-only is off", async () => {
    emulator.setBehaviour({ allowlistHostBits: "mask", allowlistPublicOnly: false });
    await api(emulator, "POST", path(bot), { body: { subnet: "8.8.8.5", subnet_size: 24 } });
    await api(emulator, "POST", path(bot), { body: { subnet: "10.0.0.0", subnet_size: 8 } });
    expect(subnetsOf(bot)).toStrictEqual(["0.0.0.0/0", "::/0", "8.8.8.0/24", "10.0.0.0/8"]);
  });

  it("refuses an entry beyond the maximum with a text naming the limit", async () => {
    emulator.setBehaviour({ allowlistMaxEntries: 3 });
    const add = (subnet: string) =>
      api(emulator, "POST", path(bot), { body: { subnet, subnet_size: 24 } });
    expect((await add("8.8.8.0")).status).toBe(204);
    const refused = await add("8.8.4.0");
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ error: expect.stringMatching(/at most 3 entries/) as unknown });
    expect((await add("8.8.8.0")).status).toBe(204);
  }); // prettier-ignore

  it("answers 403 without manage_users and 404 Invalid user. for unknown users", async () => {
    for (const method of ["GET", "POST", "DELETE"]) {
      const body = method === "GET" ? undefined : { subnet: "8.8.8.0", subnet_size: 24 };
      const forbidden = await api(emulator, method, path(bot), { key: viewer.api_key, body });
      expect(forbidden.status).toBe(403);
      const unknown = await api(emulator, method, "/users/564a1a88947b4/ip-whitelist", { body });
      expect(unknown.text).toBe('{"error":"Invalid user.","status":404}');
    }
  });

  it("logs and counts the new routes by name", async () => {
    await api(emulator, "GET", path(bot));
    await api(emulator, "GET", `${path(bot)}/entry?subnet=::&subnet_size=0`);
    await api(emulator, "POST", path(bot), { body: { subnet: "8.8.8.0", subnet_size: 24 } });
    await api(emulator, "DELETE", path(bot), { body: { subnet: "8.8.8.0", subnet_size: 24 } });
    expect(emulator.counters().byRoute).toStrictEqual({
      "GET /users/:id/ip-whitelist": 1,
      "GET /users/:id/ip-whitelist/entry": 1,
      "POST /users/:id/ip-whitelist": 1,
      "DELETE /users/:id/ip-whitelist": 1,
    });
  });
});

describe("enforcement", () => {
  const UNAUTHORIZED = (ip: string) => `{"error":"Unauthorized IP address: ${ip}","status":401}`;

  it("lets a bot's key in from inside its range and refuses it from outside with Vultr's text", async () => {
    emulator.setAllowlist(bot.id, [{ subnet: "45.76.0.0", subnet_size: 16 }]);
    emulator.setClientAddress("45.76.12.34");
    expect((await api(emulator, "GET", "/users", { key: bot.api_key })).status).toBe(200);
    emulator.setClientAddress("8.8.8.8");
    const refused = await api(emulator, "GET", "/users", { key: bot.api_key });
    expect(refused.status).toBe(401);
    expect(refused.text).toBe(UNAUTHORIZED("8.8.8.8"));
  });

  it("never restricts the owner key, and is off while no client address is set", async () => {
    emulator.setAllowlist(bot.id, []);
    emulator.setClientAddress("8.8.8.8");
    expect((await api(emulator, "GET", "/users")).status).toBe(200);
    emulator.setClientAddress(undefined);
    expect((await api(emulator, "GET", "/users", { key: bot.api_key })).status).toBe(200);
  });

  it("admits nothing with an empty list and a whole family with a /0 entry", async () => {
    emulator.setAllowlist(bot.id, []);
    emulator.setClientAddress("2606:4700::1");
    expect((await api(emulator, "GET", "/users", { key: bot.api_key })).text).toBe(
      UNAUTHORIZED("2606:4700::1"),
    );
    emulator.setAllowlist(bot.id, [{ subnet: "::", subnet_size: 0 }]);
    expect((await api(emulator, "GET", "/users", { key: bot.api_key })).status).toBe(200);
    emulator.setClientAddress("8.8.8.8");
    expect((await api(emulator, "GET", "/users", { key: bot.api_key })).status).toBe(401);
  });

  it("checks the key before the address: a bad key stays Invalid API token.", async () => {
    emulator.setClientAddress("8.8.8.8");
    emulator.setAllowlist(bot.id, []);
    const answer = await api(emulator, "GET", "/users", { key: "NOT-A-KEY" });
    expect(answer.text).toBe('{"error":"Invalid API token.","status":401}');
  });

  it("takes the client address over the control plane too, and refuses a malformed one", async () => {
    emulator.setAllowlist(bot.id, [{ subnet: "8.8.8.0", subnet_size: 24 }]);
    const set = await control(emulator, "PUT", "/settings", { clientAddress: "1.1.1.1" });
    expect(set.json).toMatchObject({ clientAddress: "1.1.1.1" });
    expect((await api(emulator, "GET", "/users", { key: bot.api_key })).text).toBe(
      UNAUTHORIZED("1.1.1.1"),
    );
    expect((await control(emulator, "PUT", "/settings", { clientAddress: "nope" })).status).toBe(400);
    await control(emulator, "PUT", "/settings", { clientAddress: null });
    expect(emulator.getClientAddress()).toBeUndefined();
  }); // prettier-ignore
});

describe("control plane: allowlists", () => {
  it("reads and replaces an allowlist behind the API's back, in process and over HTTP", async () => {
    // Drift may hold what the API would refuse, e.g. a private range.
    const replaced = emulator.setAllowlist(bot.id, [{ subnet: "10.1.0.0", subnet_size: 16 }]);
    expect(replaced).toStrictEqual([
      { subnet: "10.1.0.0", subnet_size: 16, date_added: ISO, ip_type: "v4" },
    ]);
    expect((await api(emulator, "GET", path(bot))).json).toMatchObject({ meta: { total: 1 } });
    const put = await control(emulator, "PUT", `${path(bot)}`, {
      ip_whitelist: [{ subnet: "2606:4700::", subnet_size: 32, date_added: "2026-01-01T00:00:00Z" }],
    });
    expect(put.status).toBe(200);
    const read = await control(emulator, "GET", path(bot));
    expect(read.json).toStrictEqual({
      ip_whitelist: [
        { subnet: "2606:4700::", subnet_size: 32, date_added: "2026-01-01T00:00:00Z", ip_type: "v6" },
      ],
    });
  }); // prettier-ignore

  it("refuses malformed entries and unknown users", async () => {
    expect(() => emulator.setAllowlist(bot.id, [{ subnet: "8.8.8", subnet_size: 24 }])).toThrow(
      /ip_whitelist\[0\]: subnet "8.8.8" is not a valid/,
    );
    expect(() => emulator.getAllowlist("564a1a88947b4")).toThrow(/No user/);
    const answer = await control(emulator, "PUT", path(bot), { ip_whitelist: [{ subnet: 1 }] });
    expect(answer.status).toBe(400);
    expect((await control(emulator, "GET", "/users/564a1a88947b4/ip-whitelist")).status).toBe(404);
  });

  it("seeds users with a given allowlist", () => {
    const [user] = emulator.seedUsers([
      { email: "s@example.com", name: "S", ip_whitelist: [{ subnet: "8.8.8.0", subnet_size: 24 }] },
    ]);
    expect(emulator.getAllowlist(user?.id ?? "")).toHaveLength(1);
  });
});
