import { startEmulator, type RunningEmulator } from "../../emulator";
import { api, listOf, type UserList } from "./http";

let emulator: RunningEmulator;
let allIds: string[];

beforeAll(async () => {
  emulator = await startEmulator({ users: 250, seed: 42, rateLimitPerSecond: 0 });
  allIds = emulator.listUsers().map((user) => user.id);
});
afterAll(() => emulator.close());

async function page(query: string): Promise<UserList> {
  const answer = await api(emulator, "GET", `/users${query}`);
  expect(answer.status).toBe(200);
  return listOf(answer);
}

/** Follows `next` from the first page to the end; returns every page. */
async function walkForward(perPage: number): Promise<UserList[]> {
  const pages = [await page(`?per_page=${perPage}`)];
  for (let next = pages[0]?.meta.links.next; next; next = pages.at(-1)?.meta.links.next) {
    pages.push(await page(`?per_page=${perPage}&cursor=${encodeURIComponent(next)}`));
  }
  return pages;
}

describe("paging through GET /users", () => {
  it.each([1, 7, 100, 500])(
    "visits every one of 250 users exactly once with per_page=%i",
    async (perPage) => {
      const pages = await walkForward(perPage);
      expect(pages).toHaveLength(Math.ceil(250 / perPage));
      const seen = pages.flatMap((p) => p.users.map((user) => user.id));
      expect(seen).toStrictEqual(allIds);
      for (const p of pages) {
        expect(p.meta.total).toBe(250);
        expect(p.users.length).toBeLessThanOrEqual(perPage);
      }
      expect(pages[0]?.meta.links.prev).toBe("");
      expect(pages.at(-1)?.meta.links.next).toBe("");
    },
  );

  it("defaults to 100 users a page", async () => {
    const first = await page("");
    expect(first.users).toHaveLength(100);
    expect(first.meta.links.next).not.toBe("");
  });

  it("treats empty per_page and cursor values as absent", async () => {
    expect((await page("?per_page=&cursor=")).users).toHaveLength(100);
  });

  it("walks back with prev cursors over the same pages", async () => {
    const forward = await walkForward(7);
    const backward = [forward.at(-1) as UserList];
    for (let prev = backward[0]?.meta.links.prev; prev; prev = backward.at(-1)?.meta.links.prev) {
      backward.push(await page(`?per_page=7&cursor=${encodeURIComponent(prev)}`));
    }
    expect(backward.reverse().map((p) => p.users.map((u) => u.id))).toStrictEqual(
      forward.map((p) => p.users.map((u) => u.id)),
    );
  });

  it("hands out opaque cursors shaped like Vultr's: base64 of next__<key> / prev__<key>", async () => {
    const second = await page(`?per_page=7&cursor=${(await page("?per_page=7")).meta.links.next}`);
    for (const cursor of [second.meta.links.next, second.meta.links.prev]) {
      expect(Buffer.from(cursor, "base64").toString()).toMatch(/^(next|prev)__\w+$/);
    }
  });

  it("keeps paging consistent while users are deleted between pages", async () => {
    const small = await startEmulator({ users: 30, seed: 1, rateLimitPerSecond: 0 });
    try {
      const ids = small.listUsers().map((user) => user.id);
      const first = listOf(await api(small, "GET", "/users?per_page=10"));
      small.deleteUser(ids[10] ?? "");
      const second = listOf(
        await api(small, "GET", `/users?per_page=10&cursor=${first.meta.links.next}`),
      );
      expect(second.users.map((user) => user.id)).toStrictEqual(ids.slice(11, 21));
      expect(second.meta.total).toBe(29);
    } finally {
      await small.close();
    }
  });

  it.each(["0", "501", "-1", "ten", "1.5", "100abc"])(
    "answers 400 to per_page=%s",
    async (value) => {
      const answer = await api(emulator, "GET", `/users?per_page=${value}`);
      expect(answer.status).toBe(400);
      expect(answer.json).toStrictEqual({
        error: "per_page must be an integer from 1 to 500.",
        status: 400,
      });
    },
  );

  it.each(["garbage!", "bmV4dF9f", Buffer.from("next__abc").toString("base64"), "cHJldl9fMTAw@@"])(
    "answers 400 to the invalid cursor %s",
    async (cursor) => {
      const answer = await api(emulator, "GET", `/users?cursor=${encodeURIComponent(cursor)}`);
      expect(answer.status).toBe(400);
      expect(answer.json).toStrictEqual({ error: "Invalid cursor.", status: 400 });
    },
  );
});
