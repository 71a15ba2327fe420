import { isVultrUsageError } from "../../provider/client/errors";
import { Pacer } from "../../provider/client/pacer";
import { CLIENT_DEFAULTS } from "../../provider/client/types";
import { VultrUsersClient } from "../../provider/client/users-client";
import {
  ALICE,
  BOB,
  clientFor,
  failureOf,
  requestLines,
  resetAccount,
  startAccount,
} from "./harness";
import { useEmulator } from "../support/use-emulator";

const emulator = useEmulator(startAccount, { beforeEach: resetAccount });

describe("setApiEnabled", () => {
  it("sends api_enabled: false as a JSON false (the official Node client drops it)", async () => {
    await clientFor(emulator).setApiEnabled(ALICE, false);

    const [patch] = emulator.requestLog();
    expect(requestLines(emulator)).toStrictEqual([`PATCH /users/${ALICE}`]);
    expect(patch?.body).toStrictEqual({ api_enabled: false });
    expect(emulator.getUser(ALICE)?.api_enabled).toBe(false);
  });

  it("sends only api_enabled, never the rest of the user", async () => {
    await clientFor(emulator).setApiEnabled(BOB, true);

    expect(emulator.requestLog()[0]?.body).toStrictEqual({ api_enabled: true });
    expect(emulator.getUser(BOB)).toMatchObject({ api_enabled: true, email: "bob@example.com" });
  });

  it("resolves on Vultr's 204 without trying to read a body", async () => {
    await expect(clientFor(emulator).setApiEnabled(ALICE, true)).resolves.toBeUndefined();
    expect(emulator.requestLog().map((entry) => entry.status)).toStrictEqual([204]);
  });

  it("refuses a value that is not a boolean, without a request", async () => {
    const client = clientFor(emulator);
    const error = await failureOf(client.setApiEnabled(ALICE, "false" as unknown as boolean));

    expect(isVultrUsageError(error)).toBe(true);
    expect(error.message).toContain('api_enabled must be a boolean, got "false"');
    expect(requestLines(emulator)).toStrictEqual([]);
  });
});

describe("user ids", () => {
  const notIds: Array<[string, string]> = [
    ["a path escape", "../account"],
    ["an encoded path escape", "%2e%2e"],
    ["an id with a slash", `${ALICE}/apikeys`],
    ["an empty id", ""],
    ["a 5 KB string", "a".repeat(5 * 1024)],
    ["a UUID with a trailing newline", `${ALICE}\n`],
  ];

  it.each(notIds)("refuses %s before any request", async (_name, id) => {
    const client = clientFor(emulator);

    for (const call of [
      () => client.getUser(id),
      () => client.findUser(id),
      () => client.setApiEnabled(id, false),
    ]) {
      const error = await failureOf(call());
      expect(isVultrUsageError(error)).toBe(true);
      expect(error.message).toMatch(/is not a Vultr user id .* nothing was sent$/);
      expect(error.message.length).toBeLessThan(200);
    }
    expect(requestLines(emulator)).toStrictEqual([]);
  });

  it("accepts the 13-hex id of older accounts and asks Vultr about it", async () => {
    const error = await failureOf(clientFor(emulator).getUser("564a1a88947b4"));

    expect(error).toMatchObject({ name: "VultrApiError", status: 404 });
    expect(requestLines(emulator)).toStrictEqual(["GET /users/564a1a88947b4"]);
  });

  it("reads a user by its UUID", async () => {
    await expect(clientFor(emulator).getUser(BOB)).resolves.toMatchObject({
      id: BOB,
      email: "bob@example.com",
      name: "Bob",
      apiEnabled: false,
      acls: [],
    });
  });
});

describe("the endpoint", () => {
  const pacer = new Pacer({ ratePerSecond: 20 });
  const construct = (endpoint: string) =>
    new VultrUsersClient({ ...CLIENT_DEFAULTS, apiKey: emulator.ownerKey, endpoint }, { pacer });

  it("is Vultr's https API by default", () => {
    expect(construct(CLIENT_DEFAULTS.endpoint).endpoint).toBe("https://api.vultr.com/v2");
  });

  it.each(["http://api.vultr.com/v2", "http://10.0.0.5:8080/v2", "http://localhost.example/v2"])(
    "refuses plain http to the non-loopback %s when the client is built",
    (endpoint) => {
      expect(() => construct(endpoint)).toThrow(/plain http on a non-loopback host/);
      expect(requestLines(emulator)).toStrictEqual([]);
    },
  );

  it("allows plain http to an emulator on loopback", async () => {
    const client = construct(`${emulator.baseUrl}/`);

    expect(client.endpoint).toBe(emulator.baseUrl);
    await expect(client.getUser(ALICE)).resolves.toMatchObject({ id: ALICE });
  });
});
