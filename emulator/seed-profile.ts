import { createHash } from "node:crypto";
import { defaultAllowlist } from "./allowlist";
import { derivedKeyId, FIRST_KEY_NAME } from "./api-keys";
import { seededRandom, type RandomSource } from "./random";
import type { AllowlistEntry, EmulatedApiKey, EmulatedUser } from "./types";
import { daysBefore, isoSeconds, splitName } from "./user-profile";

/** Real public ranges (Vultr, Google, GitHub, Cloudflare), as teams pin CI runners and offices. */
const PUBLIC_RANGES: readonly { subnet: string; size: number; ip_type: "v4" | "v6" }[] = [
  { subnet: "45.76.0.0", size: 16, ip_type: "v4" },
  { subnet: "8.8.8.0", size: 24, ip_type: "v4" },
  { subnet: "140.82.112.0", size: 20, ip_type: "v4" },
  { subnet: "104.16.0.0", size: 13, ip_type: "v4" },
  { subnet: "2606:4700::", size: 32, ip_type: "v6" },
  { subnet: "2001:4860::", size: 32, ip_type: "v6" },
];

const EXTRA_KEY_NAMES = ["laptop", "ci-runner", "backup-job", "terraform", "monitoring"] as const;
const INVITERS = ["owner@example.com", "owner@example.com", "it-admin@example.com"] as const;
const DAY_SECONDS = 86_400;

export type GeneratedProfile = Pick<
  EmulatedUser,
  | "first_name"
  | "last_name"
  | "status"
  | "last_activity"
  | "invited_by"
  | "invited_on"
  | "invite_accepted"
  | "api_keys"
  | "ip_whitelist"
>;

/**
 * The 2026 fields of a generated user, varied enough for a report to find something: stale and
 * recent activity, some allowlists narrowed to real public ranges, some second keys, some of
 * them expiring or expired. Everyone is `active` and keeps a non-expiring first key (tests
 * authenticate with it). The draws come from the user's id, not the generator's stream, so the
 * users a seed gave before these fields existed are unchanged.
 */
export function generatedProfile(
  user: Pick<EmulatedUser, "id" | "name" | "service_user" | "api_enabled" | "api_key">,
  anchor: number,
  isKeyTaken: (key: string) => boolean,
): GeneratedProfile {
  const random = seededRandom(createHash("sha256").update(user.id).digest().readUInt32BE(0));
  const at = (days: number): string =>
    isoSeconds(daysBefore(anchor, days, random.below(DAY_SECONDS)));
  const { first_name, last_name } = splitName(user.name);
  let invited: { by: string; on: string; daysAgo: number };
  let lastActivityDays: number | undefined;
  if (user.service_user) {
    // Service users log in nowhere, so nobody invites them; their automation runs daily.
    invited = { by: "", on: "", daysAgo: 10 + random.below(700) };
    lastActivityDays = user.api_enabled && random.fraction() < 0.85 ? random.below(7) : undefined;
  } else {
    const daysAgo = 14 + random.below(1400);
    invited = { by: pick(INVITERS, random), on: at(daysAgo), daysAgo };
    const activity = activityDaysAgo(random);
    lastActivityDays = activity === undefined ? undefined : Math.min(activity, daysAgo - 1);
  }
  const sinceDate = invited.on !== "" ? invited.on : at(invited.daysAgo);
  return {
    first_name,
    last_name,
    status: "active",
    last_activity: lastActivityDays === undefined ? "" : at(lastActivityDays),
    invited_by: invited.by,
    invited_on: invited.on,
    invite_accepted: !user.service_user,
    api_keys: keysFor(user, anchor, random, isKeyTaken),
    ip_whitelist: allowlistFor(user.service_user, sinceDate, random),
  };
}

/** Undefined: nothing in the past year. */
function activityDaysAgo(random: RandomSource): number | undefined {
  const roll = random.fraction();
  if (roll < 0.2) return undefined;
  if (roll < 0.6) return random.below(30);
  if (roll < 0.8) return 30 + random.below(60);
  return 90 + random.below(275);
}

function keysFor(
  user: Pick<EmulatedUser, "id" | "api_key">,
  anchor: number,
  random: RandomSource,
  isKeyTaken: (key: string) => boolean,
): EmulatedApiKey[] {
  const first: EmulatedApiKey = {
    id: derivedKeyId(user.id, "0"),
    api_key: user.api_key,
    name: FIRST_KEY_NAME,
    expire: false,
    date_expire: "",
  };
  if (random.fraction() >= 0.15) return [first];
  let value = random.apiKey();
  while (value === user.api_key || isKeyTaken(value)) value = random.apiKey();
  const expires = random.fraction() < 0.5;
  return [
    first,
    {
      id: derivedKeyId(user.id, "1"),
      api_key: value,
      name: pick(EXTRA_KEY_NAMES, random),
      expire: expires,
      // From 20 days ago (expired) to 120 days ahead.
      date_expire: expires ? isoSeconds(daysBefore(anchor, 20 - random.below(140))) : "",
    },
  ];
}

function allowlistFor(serviceUser: boolean, dateAdded: string, random: RandomSource) {
  if (random.fraction() >= (serviceUser ? 0.7 : 0.15)) return defaultAllowlist(dateAdded);
  const first = random.below(PUBLIC_RANGES.length);
  const count = 1 + random.below(2);
  const entries: AllowlistEntry[] = [];
  for (let i = 0; i < count; i++) {
    const range = PUBLIC_RANGES[(first + i * 3) % PUBLIC_RANGES.length];
    if (range === undefined) continue;
    entries.push({
      subnet: range.subnet,
      subnet_size: range.size,
      date_added: dateAdded,
      ip_type: range.ip_type,
    });
  }
  return entries;
}

function pick<T>(items: readonly T[], random: RandomSource): T {
  const item = items[random.below(items.length)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}
