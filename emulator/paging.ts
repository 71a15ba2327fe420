import type { Parsed } from "./parsed";
import type { ListedUser } from "./store";

export const DEFAULT_PER_PAGE = 100;
export const MAX_PER_PAGE = 500;

/** Where a page starts: at a list position going forward, or just before one going back. */
export interface Cursor {
  direction: "next" | "prev";
  seq: number;
}

export interface Page {
  users: ListedUser[];
  /** Opaque cursors; "" when there is no page that way. */
  next: string;
  prev: string;
}

/** An empty value counts as absent: clients build `?per_page=&cursor=` from empty settings. */
export function parsePerPage(raw: string | null): Parsed<number> {
  if (raw === null || raw === "") return { ok: true, value: DEFAULT_PER_PAGE };
  const value = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 1 && value <= MAX_PER_PAGE)) {
    return { ok: false, reason: `per_page must be an integer from 1 to ${MAX_PER_PAGE}.` };
  }
  return { ok: true, value };
}

export function parseCursor(raw: string | null): Parsed<Cursor | undefined> {
  if (raw === null || raw === "") return { ok: true, value: undefined };
  const decoded = Buffer.from(raw, "base64").toString("utf8");
  const match = /^(next|prev)__(\d{1,15})$/.exec(decoded);
  // Node's base64 decoder skips junk, so only a cursor that encodes back to itself is one of ours.
  if (match === null || unpadded(encodeCursor(decoded)) !== unpadded(raw)) {
    return { ok: false, reason: "Invalid cursor." };
  }
  return {
    ok: true,
    value: { direction: match[1] === "next" ? "next" : "prev", seq: Number(match[2]) },
  };
}

/**
 * A page of the list. Cursors name list positions (Vultr's look like base64 of `next__230`),
 * not offsets, so paging stays consistent while users are added or removed between pages.
 */
export function pageOf(
  listed: readonly ListedUser[],
  cursor: Cursor | undefined,
  perPage: number,
): Page {
  const boundary = cursor === undefined ? 0 : firstAtOrAfter(listed, cursor.seq);
  const [start, end] =
    cursor?.direction === "prev"
      ? [Math.max(0, boundary - perPage), boundary]
      : [boundary, Math.min(listed.length, boundary + perPage)];
  const following = listed[end];
  // Past the last user there is no first entry to point back from; the cursor's place serves.
  const backFrom = listed[start]?.seq ?? cursor?.seq;
  return {
    users: listed.slice(start, end),
    next: following === undefined ? "" : encodeCursor(`next__${following.seq}`),
    prev: start === 0 || backFrom === undefined ? "" : encodeCursor(`prev__${backFrom}`),
  };
}

function firstAtOrAfter(listed: readonly ListedUser[], seq: number): number {
  const index = listed.findIndex((entry) => entry.seq >= seq);
  return index === -1 ? listed.length : index;
}

function encodeCursor(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}

function unpadded(cursor: string): string {
  return cursor.replace(/=+$/, "");
}
