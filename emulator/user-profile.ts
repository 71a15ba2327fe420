import type { UserStatus } from "./types";

// The 2026 user fields: names split in two, a lifecycle status, activity and invitation.

export const USER_STATUSES: readonly UserStatus[] = ["pending", "active", "suspended", "closed"];

export function isUserStatus(value: unknown): value is UserStatus {
  return USER_STATUSES.includes(value as UserStatus);
}

/** A suspended or closed user's keys stop working (401 `Invalid API token.`); pending ones work. */
export function statusAllowsApi(status: UserStatus): boolean {
  return status === "pending" || status === "active";
}

/** "María García López" → first "María", last "García López". */
export function splitName(name: string): { first_name: string; last_name: string } {
  const trimmed = name.trim();
  const space = trimmed.indexOf(" ");
  return space === -1
    ? { first_name: trimmed, last_name: "" }
    : { first_name: trimmed.slice(0, space), last_name: trimmed.slice(space + 1).trim() };
}

export function joinName(first: string, last: string): string {
  return [first.trim(), last.trim()].filter((part) => part !== "").join(" ");
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Dates the emulator makes up for seeded users count back from the start of the current UTC
 * day: the same seed gives the same users all day, and "90 days ago" stays meaningful.
 */
export function seedAnchor(now: number = Date.now()): number {
  return Math.floor(now / DAY_MS) * DAY_MS;
}

/** `days` whole days and `seconds` more before the anchor (negative days: after it). */
export function daysBefore(anchor: number, days: number, seconds = 0): number {
  return anchor - days * DAY_MS - seconds * 1000;
}

/** ISO 8601 to the second, as Vultr writes dates: `2026-01-01T00:00:00Z`. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
