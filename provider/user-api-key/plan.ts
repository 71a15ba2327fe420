/**
 * What a UserApiKey's diff plans, as a pure function of the live keys, Vultr's "now", the stored
 * outputs and the declaration: a rotation when the current key expires within rotateBeforeDays,
 * a new key when it was deleted outside Pulumi, a replace when the user or the name changes,
 * and nothing beyond recording it for a lifetime change (it applies from the next key).
 */
import type { ApiKeyInfo } from "../client/types";
import { isUnknown } from "../values/unknown";
import type { DeclaredKey, KeyOutputs } from "./types";

export const DAY_MS = 86_400_000;

export type KeyAction =
  /** Nothing to do. */
  | "none"
  /** Make a new key, then retire per keepPrevious. */
  | "rotate"
  /** The current key is gone: make a new key. */
  | "new-key"
  /** No new key; record settings, retire keys due (a previous without keepPrevious, leftovers). */
  | "record"
  /** The user or the name changes: a new resource. */
  | "replace";

export interface KeyPlan {
  action: KeyAction;
  /** For "replace": the properties that force it. */
  replaces: string[];
  /** Warnings for the reviewer (a rotation due, a key deleted outside Pulumi). */
  notes: string[];
  /** What a changed declaration will do. */
  info: string[];
}

export interface PlanInput {
  stored: KeyOutputs;
  declared: DeclaredKey;
  live: readonly ApiKeyInfo[];
  now: Date;
  /** How the user is named in messages: "ci@example.com (cb676a46-…)". */
  who: string;
}

/** `2027-02-28`. */
export function dayOf(iso: string): string {
  return iso.slice(0, 10);
}

function plural(n: number): string {
  return `${n} day${n === 1 ? "" : "s"}`;
}

/**
 * "in 12 days" (days left, counted up: 9 days and 23 hours is "in 10 days"), "3 days ago"
 * (whole days past), "earlier today".
 */
export function inDays(expiresAt: number, now: Date): string {
  const ms = expiresAt - now.getTime();
  if (ms >= 0) return `in ${plural(Math.max(1, Math.ceil(ms / DAY_MS)))}`;
  const days = Math.floor(-ms / DAY_MS);
  return days === 0 ? "earlier today" : `${plural(days)} ago`;
}

/** When the key expiring at `dateExpire` is due for rotation, with `rotateBeforeDays`. */
export function rotationDueAt(dateExpire: string, rotateBeforeDays: number): number {
  return Date.parse(dateExpire) - rotateBeforeDays * DAY_MS;
}

/** Whether the key expiring at `dateExpire` is due for rotation at `now`. */
export function rotationDue(dateExpire: string, rotateBeforeDays: number, now: Date): boolean {
  const expires = Date.parse(dateExpire);
  return Number.isNaN(expires) || now.getTime() >= rotationDueAt(dateExpire, rotateBeforeDays);
}

/** "key ci of ci@example.com (…3f9a2)" */
export function keyLabel(name: string, who: string, hint: string): string {
  return `key ${name} of ${who} (${hint})`;
}

/**
 * The properties whose change replaces the key. A user still to be computed (`bot.userId` while
 * the bot's UserApiAccess has an update planned) is not a change: up's own diff sees the value.
 */
function replaces(stored: KeyOutputs, declared: DeclaredKey): string[] {
  const changed: string[] = [];
  const { userId, email } = declared;
  if (userId !== undefined && !isUnknown(userId) && userId !== stored.userId.toLowerCase()) {
    changed.push("userId");
  } else if (
    userId === undefined &&
    email !== undefined &&
    !isUnknown(email) &&
    email !== stored.email.trim().toLowerCase()
  ) {
    changed.push("email");
  }
  if (declared.name !== stored.name) changed.push("name");
  return changed;
}

function settingsInfo(input: PlanInput, currentExpire: string | undefined): string[] {
  const { stored, declared, who } = input;
  const label = keyLabel(stored.name, who, stored.keyHint);
  const info: string[] = [];
  const next =
    currentExpire === undefined
      ? "the next key"
      : `the next key, made at the rotation due ${dayOf(new Date(rotationDueAt(currentExpire, declared.rotateBeforeDays)).toISOString())}`;
  if (declared.lifetimeDays !== stored.lifetimeDays) {
    info.push(
      `lifetimeDays of ${label} changes from ${stored.lifetimeDays} to ${declared.lifetimeDays}: recorded now, it applies from ${next}`,
    );
  }
  if (declared.rotateBeforeDays !== stored.rotateBeforeDays) {
    info.push(
      `rotateBeforeDays of ${label} changes from ${stored.rotateBeforeDays} to ${declared.rotateBeforeDays}: recorded now` +
        (currentExpire === undefined
          ? ""
          : `; the current key is due for rotation ${dayOf(new Date(rotationDueAt(currentExpire, declared.rotateBeforeDays)).toISOString())}`),
    );
  }
  if (declared.keepPrevious !== stored.keepPrevious) {
    info.push(
      `keepPrevious of ${label} changes from ${stored.keepPrevious} to ${declared.keepPrevious}` +
        (declared.keepPrevious ? ": from the next rotation, the replaced key stays valid" : ""),
    );
  }
  return info;
}

/** The plan; see the file's comment. */
export function planKey(input: PlanInput): KeyPlan {
  const { stored, declared, live, now, who } = input;
  const forced = replaces(stored, declared);
  if (forced.length > 0) {
    return {
      action: "replace",
      replaces: forced,
      notes: [],
      info: [
        `${keyLabel(stored.name, who, stored.keyHint)} is replaced (${forced.join(" and ")} changed): up makes the new key first, then deletes the keys this resource made`,
      ],
    };
  }
  const byId = new Map(live.map((key) => [key.id, key]));
  const current = byId.get(stored.keyId);
  const label = keyLabel(stored.name, who, stored.keyHint);
  const notes: string[] = [];
  let action: KeyAction = "none";
  if (current === undefined) {
    action = "new-key";
    notes.push(`${label} was deleted outside Pulumi; up will make a new key`);
  } else {
    const expire = current.dateExpire ?? stored.dateExpire;
    if (rotationDue(expire, declared.rotateBeforeDays, now)) {
      action = "rotate";
      const when = inDays(Date.parse(expire), now);
      const verb = Date.parse(expire) <= now.getTime() ? "expired" : "expires";
      notes.push(
        `rotation due: ${label} ${verb} ${dayOf(expire)} (${when}); up will make a new key`,
      );
    }
  }
  const info = settingsInfo(input, current?.dateExpire ?? undefined);
  if (action === "none") {
    const previousLive = stored.previousKeyId !== "" && byId.has(stored.previousKeyId);
    const leftovers = stored.retiringKeyIds.filter((id) => byId.has(id));
    if (stored.previousKeyId !== "" && !previousLive) {
      info.push(
        `the previous ${keyLabel(stored.name, who, stored.previousKeyHint)} is gone; up records that`,
      );
    }
    if (previousLive && !declared.keepPrevious) {
      info.push(
        `keepPrevious is false: up deletes the previous ${keyLabel(stored.name, who, stored.previousKeyHint)}`,
      );
    }
    const changed =
      info.length > 0 || leftovers.length > 0 || leftovers.length !== stored.retiringKeyIds.length;
    if (changed) action = "record";
  }
  return { action, replaces: [], notes, info };
}
