import { randomBytes } from "node:crypto";
import { Agent, request as httpRequest } from "node:http";
import { connect } from "node:net";
import { startEmulator, type EmulatedUser } from "../../emulator";
import { useEmulator } from "../support/use-emulator";
import { api } from "./http";

const emulator = useEmulator(() => startEmulator({ rateLimitPerSecond: 0 }));
let user: EmulatedUser;

beforeEach(() => {
  emulator.reset();
  [user] = emulator.seedUsers([{ email: "r@example.com", name: "R" }]) as [EmulatedUser];
});

/** A request over node:http with the path exactly as given (fetch would normalise `..`). */
function rawRequest(
  method: string,
  path: string,
  body?: string | Buffer,
  agent?: Agent,
): Promise<{ status: number; text: string; socketId: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port: emulator.port,
        method,
        path,
        headers: { authorization: `Bearer ${emulator.ownerKey}` },
        ...(agent === undefined ? {} : { agent }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString(),
            socketId: req.socket,
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("bad input never crashes the emulator", () => {
  it("answers 413 to a 2 MiB body and keeps serving on the same connection", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const big = `{"name":"${"x".repeat(2 * 1024 * 1024)}"}`;
      const answer = await rawRequest("PATCH", `/v2/users/${user.id}`, big, agent);
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.text)).toMatchObject({ status: 413 });
      const after = await rawRequest("GET", `/v2/users/${user.id}`, undefined, agent);
      expect(after.status).toBe(200);
      expect(after.socketId).toBe(answer.socketId);
    } finally {
      agent.destroy();
    }
    expect(emulator.getUser(user.id)?.name).toBe("R");
  });

  it.each(["{", "{'api_enabled': false}", "nul", "", "\u0000\u0001"])(
    "answers 400 to the malformed JSON body %j",
    async (rawBody) => {
      for (const [method, path] of [
        ["PATCH", `/users/${user.id}`],
        ["POST", "/users"],
      ] as const) {
        const answer = await api(emulator, method, path, { rawBody });
        expect(answer.status).toBe(400);
        expect(answer.json).toMatchObject({
          error: expect.stringMatching(/JSON/) as unknown,
          status: 400,
        });
      }
    },
  );

  it("answers 400 to JSON that is not an object", async () => {
    for (const body of [null, 42, "api_enabled", [{ api_enabled: false }]]) {
      const answer = await api(emulator, "PATCH", `/users/${user.id}`, { body });
      expect(answer.status).toBe(400);
    }
  });

  it("never lets ../ in an id reach another route", async () => {
    expect(await rawRequest("GET", "/v2/users/../account")).toMatchObject({ status: 404 });
    const dotdot = await rawRequest("GET", "/v2/users/..");
    expect(dotdot).toMatchObject({ status: 404, text: '{"error":"Invalid user.","status":404}' });
  });

  it("survives random bytes as bodies, paths and queries, answering only 4xx", async () => {
    const statuses = new Set<number>();
    for (let i = 0; i < 40; i++) {
      const noise = randomBytes(1 + (i % 30));
      const pathNoise = encodeURIComponent(noise.toString("latin1"));
      statuses.add((await rawRequest("PATCH", `/v2/users/${user.id}`, noise)).status);
      statuses.add((await rawRequest("POST", "/v2/users", noise)).status);
      statuses.add((await rawRequest("GET", `/v2/users/${pathNoise}`)).status);
      statuses.add(
        (await rawRequest("GET", `/v2/users?per_page=${pathNoise}&cursor=${pathNoise}`)).status,
      );
    }
    for (const status of statuses) expect(status).toBeGreaterThanOrEqual(400);
    for (const status of statuses) expect(status).toBeLessThan(500);
    expect((await api(emulator, "GET", "/users")).status).toBe(200);
  });

  it("answers garbage that is not HTTP with 400 and keeps running", async () => {
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(emulator.port, "127.0.0.1", () => socket.write("HELLO THERE\r\n\r\n"));
      let text = "";
      socket.on("data", (chunk: Buffer) => (text += chunk.toString()));
      socket.on("close", () => resolve(text));
      socket.on("error", () => resolve(text));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await api(emulator, "GET", "/users")).status).toBe(200);
  });

  it("answers 404 outside /v2 and /_emulator", async () => {
    expect(await rawRequest("GET", "/")).toMatchObject({ status: 404 });
    expect(await rawRequest("GET", "/v1/users")).toMatchObject({ status: 404 });
    expect(emulator.requestLog()).toStrictEqual([]);
  });

  it("keeps connections alive between requests", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await rawRequest("GET", "/v2/users", undefined, agent);
      const second = await rawRequest(
        "PATCH",
        `/v2/users/${user.id}`,
        '{"api_enabled":false}',
        agent,
      );
      const third = await rawRequest("GET", "/v2/users", undefined, agent);
      expect([first.status, second.status, third.status]).toStrictEqual([200, 204, 200]);
      expect(second.socketId).toBe(first.socketId);
      expect(third.socketId).toBe(first.socketId);
    } finally {
      agent.destroy();
    }
  });
});
