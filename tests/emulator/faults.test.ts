import { request as httpRequest } from "node:http";
import {
  EmulatorInputError,
  startEmulator,
  type EmulatedUser,
  type FaultSpec,
} from "../../emulator";
import { useEmulator } from "../support/use-emulator";
import { api, answerOf } from "./http";

const emulator = useEmulator(() => startEmulator({ rateLimitPerSecond: 0 }));
let user: EmulatedUser;

beforeEach(() => {
  emulator.reset();
  emulator.setLatency(0);
  emulator.setRateLimit(0);
  [user] = emulator.seedUsers([{ email: "u@example.com", name: "U", acls: [] }]) as [EmulatedUser];
});

const lastLogEntry = () => emulator.requestLog().at(-1);

describe("status faults", () => {
  it("answer with the status, a Vultr-shaped body by default, and the extra headers", async () => {
    emulator.addFault({ kind: "status", status: 503, headers: { "Retry-After": "1" } });
    const answer = await api(emulator, "GET", "/users");
    expect(answer.status).toBe(503);
    expect(answer.text).toBe('{"error":"Service Unavailable","status":503}');
    expect(answer.headers.get("retry-after")).toBe("1");
    expect(answer.headers.get("content-type")).toBe("application/json");
    expect(lastLogEntry()).toMatchObject({ route: "GET /users", status: 503, fault: "status" });
  });

  it("take `times` matching requests, then the API answers normally", async () => {
    emulator.addFault({ kind: "status", status: 502, times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await api(emulator, "GET", "/users")).status);
    expect(statuses).toStrictEqual([502, 502, 200]);
  });

  it("answer with a given JSON body, e.g. a user lacking api_enabled", async () => {
    const body = { user: { id: user.id, name: "U", email: "u@example.com", acls: [] } };
    emulator.addFault({ kind: "status", status: 200, body, path: `/users/${user.id}` });
    const answer = await api(emulator, "GET", `/users/${user.id}`);
    expect(answer.status).toBe(200);
    expect(answer.json).toStrictEqual(body);
  });

  it("send a string body verbatim, e.g. Vultr's IP allowlist refusal", async () => {
    const refusal = '{"error":"Unauthorized IP address: 203.0.113.7","status":401}';
    emulator.addFault({ kind: "status", status: 401, body: refusal });
    const answer = await api(emulator, "GET", "/users");
    expect(answer.status).toBe(401);
    expect(answer.text).toBe(refusal);
  });

  it("come before auth and the rate limit, and leave the account unchanged", async () => {
    emulator.setRateLimit(1);
    await api(emulator, "GET", "/users");
    emulator.addFault({ kind: "status", status: 500, method: "PATCH" });
    const answer = await api(emulator, "PATCH", `/users/${user.id}`, {
      key: "WRONG",
      body: { api_enabled: false },
    });
    expect(answer.status).toBe(500);
    expect(emulator.getUser(user.id)?.api_enabled).toBe(true);
    expect(lastLogEntry()).toMatchObject({
      status: 500,
      fault: "status",
      body: { api_enabled: false },
    });
  });
});

describe("fault matching", () => {
  it("matches method and exact path, or a path prefix ending in *", async () => {
    emulator.addFault({ kind: "status", status: 418, method: "PATCH", path: "/users/*" });
    emulator.addFault({ kind: "status", status: 503, path: "/users" });
    expect((await api(emulator, "GET", `/users/${user.id}`)).status).toBe(200);
    expect((await api(emulator, "GET", "/users")).status).toBe(503);
    expect((await api(emulator, "GET", "/users")).status).toBe(200);
    const patch = await api(emulator, "PATCH", `/users/${user.id}`, { body: { name: "X" } });
    expect(patch.status).toBe(418);
  });

  it("uses faults in the order they were added", async () => {
    emulator.addFault({ kind: "status", status: 502 });
    emulator.addFault({ kind: "status", status: 503 });
    expect((await api(emulator, "GET", "/users")).status).toBe(502);
    expect((await api(emulator, "GET", "/users")).status).toBe(503);
  });

  it("keeps a persistent fault until the faults are cleared", async () => {
    emulator.addFault({ kind: "status", status: 504, persistent: true });
    for (let i = 0; i < 4; i++) expect((await api(emulator, "GET", "/users")).status).toBe(504);
    emulator.clearFaults();
    expect((await api(emulator, "GET", "/users")).status).toBe(200);
  });

  it.each<[string, unknown]>([
    ["an unknown kind", { kind: "explode" }],
    ["a status fault without a status", { kind: "status" }],
    ["a delay fault without delayMs", { kind: "delay" }],
    ["a status out of range", { kind: "status", status: 42 }],
    ["a negative times", { kind: "status", status: 500, times: -1 }],
    ["a header that is not a string", { kind: "reset", headers: { "retry-after": 1 } }],
  ])("refuses %s", (_case, spec) => {
    expect(() => emulator.addFault(spec as FaultSpec)).toThrow(EmulatorInputError);
  });
});

describe("transport faults", () => {
  it("hang: never answers; the client gives up on its own timeout", async () => {
    emulator.addFault({ kind: "hang" });
    await expect(
      api(emulator, "GET", "/users", { signal: AbortSignal.timeout(200) }),
    ).rejects.toMatchObject({ name: "TimeoutError" });
    expect(lastLogEntry()).toMatchObject({ status: 0, fault: "hang" });
    expect((await api(emulator, "GET", "/users")).status).toBe(200);
  });

  it("hang: close() ends the hung request instead of waiting for it", async () => {
    const own = await startEmulator();
    own.addFault({ kind: "hang" });
    const hung = fetch(`${own.baseUrl}/users`, {
      headers: { authorization: `Bearer ${own.ownerKey}` },
    });
    await waitFor(() => own.requestLog().length === 1);
    const started = Date.now();
    await own.close();
    await expect(hung).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("reset: destroys the connection, the client sees a network error", async () => {
    emulator.addFault({ kind: "reset", method: "PATCH" });
    await expect(
      api(emulator, "PATCH", `/users/${user.id}`, { body: { api_enabled: false } }),
    ).rejects.toMatchObject({ message: "fetch failed", cause: { code: "ECONNRESET" } });
    expect(lastLogEntry()).toMatchObject({ status: 0, fault: "reset" });
    expect(emulator.getUser(user.id)?.api_enabled).toBe(true);
  });

  it("non-json: answers 200 with an HTML page", async () => {
    emulator.addFault({ kind: "non-json" });
    const answer = await api(emulator, "GET", "/users");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toMatch(/^text\/html/);
    expect(answer.text).toMatch(/^<!DOCTYPE html>/);
    expect(() => JSON.parse(answer.text) as unknown).toThrow(SyntaxError);
    expect(lastLogEntry()).toMatchObject({ status: 200, fault: "non-json" });
  });

  it("truncated: promises more JSON than it sends, then drops the connection", async () => {
    emulator.addFault({ kind: "truncated" });
    const response = await fetch(`${emulator.baseUrl}/users`, {
      headers: { authorization: `Bearer ${emulator.ownerKey}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(Number(response.headers.get("content-length"))).toBeGreaterThan(0);
    await expect(response.text()).rejects.toThrow();
    expect(lastLogEntry()).toMatchObject({ status: 200, fault: "truncated" });
  });

  it("truncated: a raw client receives fewer bytes than content-length", async () => {
    emulator.addFault({ kind: "truncated" });
    const { declared, received } = await new Promise<{ declared: number; received: number }>(
      (resolve, reject) => {
        const req = httpRequest(`${emulator.baseUrl}/users`, (res) => {
          let received = 0;
          res.on("data", (chunk: Buffer) => (received += chunk.length));
          res.on("error", () => undefined);
          res.on("close", () =>
            resolve({ declared: Number(res.headers["content-length"]), received }),
          );
        });
        req.on("error", reject);
        req.end();
      },
    );
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(declared);
  });

  it("delay: waits delayMs, then the API answers normally", async () => {
    emulator.addFault({ kind: "delay", delayMs: 300, path: `/users/${user.id}` });
    const started = Date.now();
    const answer = await api(emulator, "GET", `/users/${user.id}`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(answer.status).toBe(200);
    expect(lastLogEntry()).toMatchObject({ status: 200, fault: "delay" });
  });
});

describe("latency", () => {
  it("is added to every /v2 answer", async () => {
    emulator.setLatency(150);
    const started = Date.now();
    const answers = await Promise.all([
      api(emulator, "GET", "/users"),
      api(emulator, "GET", "/users", { key: null }),
    ]);
    expect(answers.map((answer) => answer.status)).toStrictEqual([200, 401]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
  });

  it("does not hold up close()", async () => {
    const own = await startEmulator({ latencyMs: 60_000 });
    const pending = answerOfFetch(`${own.baseUrl}/users`);
    await waitFor(() => own.requestLog().length === 1);
    await own.close();
    await expect(pending).rejects.toThrow();
  });
});

async function answerOfFetch(url: string) {
  return answerOf(await fetch(url));
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
}
