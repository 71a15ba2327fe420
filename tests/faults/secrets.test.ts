/**
 * The key never leaks. Every step is driven through the real host with the account owner's key,
 * then with a sub-user's key (one holding manage_users) as `vultr:apiKey`, then with the key in
 * VULTR_API_KEY — successes, drift, failures, and answers that ECHO the key back. Everything the
 * suite produced (`__provider`, outputs, messages, host output, the files it wrote) is scanned for
 * every key the account holds. And plain `http:` to a non-loopback endpoint is refused before any
 * request.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as pulumi from "@pulumi/pulumi";
import { startEmulator, type EmulatedUser } from "../../emulator";
import { UserApiAccess } from "../../sdk";
import { PROVIDER_KEY, type ProviderHost } from "../support/provider-host";
import {
  FAST_LAB,
  FAST_SETTINGS,
  checkThenCreate,
  failureOf,
  bareHostEnv,
  settle,
  useLab,
  valueOf,
} from "../support/lab";
import { Transcript } from "../support/transcript";

const lab = useLab("secrets", {
  users: 30,
  seed: 9,
  ...FAST_LAB,
  beforeFinish: (started) => {
    const secrets = started.secrets();
    expect(secrets["owner key"]).toBe(started.emulator.ownerKey);
    expect(Object.values(secrets)).toContain(admin.api_key);
  },
});
let users: EmulatedUser[];
/** A sub-user allowed to manage users: its key works as `vultr:apiKey`. */
let admin: EmulatedUser;

beforeAll(() => {
  users = lab.emulator.listUsers();
  const found = users.find((u) => u.api_enabled && u.acls.includes("manage_users"));
  if (found === undefined) throw new Error("no admin among the seeded users");
  admin = found;
});

let taken = 0;
function freshUser(): EmulatedUser {
  const user = users[++taken];
  if (user === undefined) throw new Error("out of users");
  return user === admin ? freshUser() : user;
}

/** Every handler, on success and on failure, recording all it returns. */
async function lifecycle(host: ProviderHost, keyInUse: string, label: string): Promise<void> {
  const record = (what: string, value: unknown) => lab.transcript.add(`${label}: ${what}`, value);
  const user = freshUser();
  const urn = lab.urn(`secret-${user.id}`);
  const providerText = await lab.freshProvider(host);

  const checked = await host.check(
    urn,
    {},
    lab.inputs({ email: user.email, apiEnabled: !user.api_enabled }, providerText),
  );
  record("check", checked);
  const created = await host.create(urn, checked.inputs);
  record("create", created);
  lab.emulator.setUser(user.id, { api_enabled: user.api_enabled });
  record("diff", await host.diff(user.id, urn, created.outs, checked.inputs));
  record("read", await host.read(user.id, urn, created.outs));
  const updated = await host.update(user.id, urn, created.outs, checked.inputs);
  record("update", updated);

  // Failures, including answers that echo the key the way some proxies' error pages do.
  const failures = [
    {
      name: "401 echoing the key",
      fault: { kind: "status", status: 401, body: { error: `Invalid API token: ${keyInUse}` } },
    },
    {
      name: "502 HTML page echoing the Authorization header",
      fault: {
        kind: "status",
        status: 502,
        body: `<html><body>Bad gateway for Authorization: Bearer ${keyInUse}</body></html>`,
        persistent: true,
      },
    },
    { name: "503 persistent", fault: { kind: "status", status: 503, persistent: true } },
    { name: "connection reset persistent", fault: { kind: "reset", persistent: true } },
  ] as const;
  for (const { name, fault } of failures) {
    lab.emulator.addFault({ method: "PATCH", path: `/users/${user.id}`, ...fault });
    const news = { ...checked.inputs, apiEnabled: user.api_enabled };
    const failed = await settle(host.update(user.id, urn, updated.outs, news));
    lab.emulator.clearFaults();
    const message = failureOf(failed);
    record(`update failing with ${name}`, message);
    lab.transcript.observe({
      section: "secrets",
      case: `${label}: ${name}`,
      outcome: "failed the step",
      message,
    });
    expect(message).toMatch(/Setting api_enabled=\w+ on Vultr user/);
    expect(message).not.toContain(keyInUse);
  }
  await host.delete(user.id, urn, updated.outs);
  record("host output", host.output());
  expect(host.output()).not.toContain(keyInUse);
}

describe("the key never appears in what the provider returns or prints", () => {
  it("the owner's key as vultr:apiKey", async () => {
    await lifecycle(lab.host, lab.emulator.ownerKey, "owner key");
  });

  it("a sub-user's key (with manage_users) as vultr:apiKey", async () => {
    const host = await lab.startHost({
      config: { "vultr:apiEndpoint": lab.emulator.baseUrl, "vultr:apiKey": admin.api_key },
    });
    await lifecycle(host, admin.api_key, "sub-user key");
  });

  it("the owner's key in VULTR_API_KEY", async () => {
    const host = await lab.startHost({
      config: { "vultr:apiEndpoint": lab.emulator.baseUrl },
      env: { ...FAST_SETTINGS, VULTR_API_KEY: lab.emulator.ownerKey },
    });
    await lifecycle(host, lab.emulator.ownerKey, "VULTR_API_KEY");
  });
});

/** Allowlist writes and errors, and the messages said on the resource (stdout fallback). */
async function allowlistPaths(host: ProviderHost, keyInUse: string, label: string): Promise<void> {
  const user = freshUser();
  const urn = lab.urn(`acl-${user.id}`);
  // A fresh provider each time: its allowlist book reads the user's list anew.
  const news = async (): Promise<Record<string, unknown>> =>
    lab.inputs(
      { userId: user.id, apiEnabled: true, allowedIps: ["8.8.8.0/24"], __urn: urn },
      await lab.freshProvider(host),
    );
  const echoes = [
    {
      name: "400 on the add echoing the key",
      fault: {
        method: "POST",
        kind: "status",
        status: 400,
        body: { error: `Invalid subnet for token ${keyInUse}`, status: 400 },
      },
    },
    {
      name: "502 HTML on the read echoing the Authorization header",
      fault: {
        method: "GET",
        kind: "status",
        status: 502,
        body: `<html><body>Bad gateway for Authorization: Bearer ${keyInUse}</body></html>`,
        persistent: true,
      },
    },
  ] as const;
  for (const { name, fault } of echoes) {
    lab.emulator.addFault({ path: `/users/${user.id}/ip-whitelist`, ...fault });
    const failed = await checkThenCreate(host, urn, await news());
    lab.emulator.clearFaults();
    const message = failureOf(failed);
    lab.transcript.add(`${label}: allowlist ${name}`, message);
    lab.transcript.observe({
      section: "secrets",
      case: `${label}: allowlist ${name}`,
      outcome: failed.ok ? "succeeded" : `failed ${failed.step}`,
      message,
    });
    expect(message).toMatch(/the API allowlist of Vultr user [0-9a-f-]+: Vultr answered (400|502)/);
    expect(message).toContain("[redacted]");
    expect(message).not.toContain(keyInUse);
  }
  const created = valueOf(await checkThenCreate(host, urn, await news()));
  lab.transcript.add(`${label}: allowlist create`, created);
  await host.delete(user.id, urn, created.outs);
  // The audit lines went through the stdout fallback, on the resource, without the key.
  const said = host.output();
  expect(said).toContain(
    `info (acl-${user.id}): added 8.8.8.0/24 to the API allowlist of Vultr user ${user.email} (${user.id})`,
  );
  expect(said).toContain(`info (acl-${user.id}): removed (onDelete "restore"): added 0.0.0.0/0`);
  expect(said).not.toContain(keyInUse);
}

describe("allowlist errors and messages on the resource hold no key", () => {
  it("the owner's key as vultr:apiKey", async () => {
    await allowlistPaths(lab.host, lab.emulator.ownerKey, "owner key");
  });

  it("a sub-user's key (with manage_users) as vultr:apiKey", async () => {
    const host = await lab.startHost({
      config: { "vultr:apiEndpoint": lab.emulator.baseUrl, "vultr:apiKey": admin.api_key },
    });
    await allowlistPaths(host, admin.api_key, "sub-user key");
  });
});

describe("the scan itself", () => {
  it("finds a planted key in what was recorded and in a file written", () => {
    const planted = "PLANTEDKEY0123456789ABCDEFGHIJKLMNOP";
    const probe = new Transcript("secrets-probe");
    probe.add("an error message", `failed with ${planted} inside`);
    const written = probe.save();
    try {
      expect(probe.findSecrets({ "planted key": planted, absent: "NOT-THERE-0123" })).toStrictEqual(
        ["planted key in an error message", `planted key in ${written[1] ?? ""}`],
      );
    } finally {
      for (const file of written) fs.rmSync(file, { force: true });
    }
  });
});

describe("__provider, as UserApiAccess registers it", () => {
  it("holds no key although the program has one in its config and environment", async () => {
    const registered: Record<string, unknown>[] = [];
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          const inputs = args.inputs as Record<string, unknown>;
          registered.push(inputs);
          return Promise.resolve({ id: `${args.name}-id`, state: inputs });
        },
        call: (args) => Promise.resolve(args.inputs as Record<string, unknown>),
      },
      "faults",
      "dev",
    );
    pulumi.runtime.setAllConfig({ "vultr:apiKey": admin.api_key }, ["vultr:apiKey"]);
    process.env["VULTR_API_KEY"] = lab.emulator.ownerKey;
    try {
      const resource = new UserApiAccess("secret-check", { userId: admin.id, apiEnabled: true });
      await new Promise<void>((resolve) => resource.urn.apply(() => resolve()));
    } finally {
      delete process.env["VULTR_API_KEY"];
    }
    const provider = registered[0]?.[PROVIDER_KEY];
    expect(typeof provider).toBe("string");
    lab.transcript.add("__provider registered under mocks", provider);
    lab.transcript.add("inputs registered under mocks", registered);
  });
});

describe("plain http to a non-loopback endpoint is refused before any request", () => {
  const REFUSED =
    /uses plain http on a non-loopback host; the API key would cross the network in clear text/;

  it.each([
    { via: "vultr:apiEndpoint", endpoint: "http://192.0.2.1/v2" },
    { via: "VULTR_API_ENDPOINT", endpoint: "http://localhost.example.com/v2" },
  ])("$endpoint from $via: create and an email check fail at once", async (row) => {
    const key = lab.emulator.ownerKey;
    // Default timeouts: had it tried to connect, it would take seconds, not milliseconds.
    const host = await lab.startHost(
      row.via === "vultr:apiEndpoint"
        ? { config: { "vultr:apiKey": key, "vultr:apiEndpoint": row.endpoint }, env: {} }
        : { config: { "vultr:apiKey": key }, env: { VULTR_API_ENDPOINT: row.endpoint } },
    );
    const user = freshUser();
    const started = Date.now();
    const created = await settle(
      host.create(lab.urn("http"), lab.inputs({ userId: user.id, apiEnabled: true })),
    );
    const checked = await settle(
      host.check(lab.urn("http"), {}, lab.inputs({ email: user.email, apiEnabled: true })),
    );
    const elapsedMs = Date.now() - started;
    const message = failureOf(created);
    lab.transcript.observe({
      section: "secrets",
      case: `plain http endpoint ${row.endpoint} via ${row.via}`,
      outcome: "failed the step",
      elapsedMs,
      message,
    });
    expect(message).toMatch(REFUSED);
    expect(failureOf(checked)).toMatch(REFUSED);
    expect(elapsedMs).toBeLessThan(2_000);
  });

  it("an endpoint on this machine's own network address is refused with nothing received", async () => {
    const address = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i !== undefined && i.family === "IPv4" && !i.internal)?.address;
    if (address === undefined) {
      console.warn("SKIPPED: this machine has no non-loopback IPv4 address");
      return;
    }
    // An emulator that WOULD answer there: if the provider sent anything, its log would show it.
    const listening = await startEmulator({
      host: "0.0.0.0",
      users: 1,
      ownerKey: lab.emulator.ownerKey,
    });
    try {
      const endpoint = `http://${address}:${listening.port}/v2`;
      const host = await lab.startHost({
        config: { "vultr:apiKey": listening.ownerKey, "vultr:apiEndpoint": endpoint },
        env: { ...FAST_SETTINGS },
      });
      const [user] = listening.listUsers();
      const result = await settle(
        host.create(lab.urn("lan"), lab.inputs({ userId: user?.id, apiEnabled: true })),
      );
      expect(failureOf(result)).toMatch(REFUSED);
      expect(listening.requestLog()).toStrictEqual([]);
      lab.transcript.add("LAN endpoint refusal", result);
    } finally {
      await listening.close();
    }
  });

  it("loopback over plain http is allowed (the emulator), and the host kept serving", async () => {
    const user = freshUser();
    const created = valueOf(
      await settle(
        lab.host.create(lab.urn("loopback"), lab.inputs({ userId: user.id, apiEnabled: true })),
      ),
    );
    expect(created.id).toBe(user.id);
    expect(bareHostEnv()).not.toHaveProperty("VULTR_API_KEY");
  });
});
