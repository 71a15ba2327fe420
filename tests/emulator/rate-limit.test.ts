import { setTimeout as sleep } from "node:timers/promises";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { api, control } from "./http";

const RATE_LIMITED = '{"status": 429,"error": "rate limit exceeded"}';

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.setRateLimit(30);
  // reset() also forgets which requests are in the window, so each test starts with room.
  emulator.reset();
  emulator.seedUsers(5, 3);
});

describe("rate limit", () => {
  it("answers a burst of 60 concurrent requests at 30/s with 30 successes and 30 exact 429s", async () => {
    const answers = await Promise.all(
      Array.from({ length: 60 }, () => api(emulator, "GET", "/users?per_page=1")),
    );
    const limited = answers.filter((answer) => answer.status === 429);
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(30);
    expect(limited).toHaveLength(30);
    for (const answer of limited) {
      expect(answer.text).toBe(RATE_LIMITED);
      expect(answer.headers.get("content-type")).toBe("application/json");
      // Whole seconds, at least 1: the window is one second long.
      expect(answer.headers.get("retry-after")).toBe("1");
    }
    for (const answer of answers.filter((a) => a.status === 200)) {
      expect(answer.headers.get("retry-after")).toBeNull();
    }
    expect(emulator.counters()).toMatchObject({ total: 60, rateLimited: 30 });
  });

  it("limits before authenticating: unauthenticated requests count and get 429 too", async () => {
    emulator.setRateLimit(3);
    const statuses = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await api(emulator, "GET", "/users", { key: null })).status);
    expect(statuses).toStrictEqual([401, 401, 401, 429, 429]);
  });

  it("lets requests in again once the accepted ones leave the one-second window", async () => {
    emulator.setRateLimit(5);
    const first = await Promise.all(
      Array.from({ length: 6 }, () => api(emulator, "GET", "/users")),
    );
    expect(first.map((answer) => answer.status).sort()).toStrictEqual([
      200, 200, 200, 200, 200, 429,
    ]);
    await sleep(1050);
    expect((await api(emulator, "GET", "/users")).status).toBe(200);
  });

  it("is off at 0, and the control plane is never limited nor logged", async () => {
    emulator.setRateLimit(0);
    const answers = await Promise.all(
      Array.from({ length: 80 }, () => api(emulator, "GET", "/users")),
    );
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    emulator.setRateLimit(1);
    const controls = await Promise.all(
      Array.from({ length: 20 }, () => control(emulator, "GET", "/counters")),
    );
    expect(controls.every((answer) => answer.status === 200)).toBe(true);
    expect(emulator.counters().total).toBe(80);
  });
});
