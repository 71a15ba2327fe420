import { ACL_VALUES, MANAGE_USERS, type Acl } from "./acls";
import type { RandomSource } from "./random";
import { generatedProfile } from "./seed-profile";
import type { EmulatedUser } from "./types";
import { seedAnchor } from "./user-profile";

const FIRST_NAMES = [
  "María", "James", "Aisha", "Wei", "Olga", "Diego", "Priya", "Lukas", "Fatima", "Kenji",
  "Chloé", "Mohammed", "Sofia", "Noah", "Amara", "Mateus", "Yuki", "Elena", "Omar", "Hannah",
  "Ravi", "Ingrid", "Thanh", "Zoe", "Kwame", "Lucía", "Ahmed", "Emma", "Sven", "Nadia",
  "Tomasz", "Grace", "Arjun", "Freya", "Jamal", "Mei", "Pablo", "Leila", "Ivan", "Ana",
] as const; // prettier-ignore

const LAST_NAMES = [
  "García", "Smith", "Khan", "Wang", "Ivanova", "Silva", "Patel", "Müller", "Okafor", "Tanaka",
  "Dubois", "Hassan", "Rossi", "Johnson", "Mensah", "Costa", "Suzuki", "Popescu", "Haddad", "Cohen",
  "Sharma", "Larsen", "Nguyen", "Brown", "Boateng", "Fernández", "Ali", "Williams", "Nilsson",
  "Kowalski", "Kim", "Iyer", "O'Brien", "Jensen", "Chen", "López", "Petrov", "Novak", "Schmidt",
  "Moreau",
] as const; // prettier-ignore

/** Machine accounts, as teams name them. */
const SERVICE_NAMES = [
  "CI Deploy", "Terraform Runner", "Backup Agent", "Monitoring", "DNS Sync", "Billing Export",
] as const; // prettier-ignore

/**
 * Access profiles typical of real accounts: people with no API permissions at all, admins who may
 * manage users, and role-shaped sets. `maybe` ACLs are each included with even odds.
 */
const ACL_PROFILES: readonly { weight: number; always: Acl[]; maybe: Acl[] }[] = [
  { weight: 20, always: [], maybe: [] },
  { weight: 15, always: [MANAGE_USERS], maybe: ["billing", "subscriptions", "support", "upgrade"] },
  {
    weight: 35,
    always: ["subscriptions_view"],
    maybe: ["dns", "firewall", "loadbalancer", "objstore", "provisioning", "subscriptions"],
  },
  { weight: 15, always: ["billing"], maybe: ["subscriptions_view", "support", "upgrade"] },
  { weight: 15, always: ["support"], maybe: ["abuse", "alerts", "subscriptions_view"] },
];

const API_ENABLED_SHARE = 0.7;
const SERVICE_USER_SHARE = 0.05;

/** What already exists in the account, so generated users never collide with it. */
export interface TakenIdentities {
  hasId(id: string): boolean;
  hasEmail(email: string): boolean;
  hasApiKey(apiKey: string): boolean;
}

/**
 * Realistic users: names from many places, unique emails, varied ACLs, ~70% with API access, and
 * varied 2026 fields (activity, invitations, allowlists, extra keys) dated back from `anchor`.
 */
export function generateUsers(
  count: number,
  random: RandomSource,
  taken: TakenIdentities,
  anchor: number = seedAnchor(),
): EmulatedUser[] {
  const ids = new Set<string>();
  const emails = new Set<string>();
  const apiKeys = new Set<string>();
  const users: EmulatedUser[] = [];
  for (let i = 0; i < count; i++) {
    const serviceUser = random.fraction() < SERVICE_USER_SHARE;
    const { name, emailStem } = serviceUser ? serviceIdentity(random) : personIdentity(random);
    const email = uniqueEmail(emailStem, random, (e) => emails.has(e) || taken.hasEmail(e));
    let id = random.uuid();
    while (ids.has(id) || taken.hasId(id)) id = random.uuid();
    let apiKey = random.apiKey();
    while (apiKeys.has(apiKey) || taken.hasApiKey(apiKey)) apiKey = random.apiKey();
    ids.add(id);
    emails.add(email);
    const base = {
      id,
      email,
      name,
      api_enabled: serviceUser || random.fraction() < API_ENABLED_SHARE,
      acls: serviceUser ? ["subscriptions_view", "provisioning"] : aclsFor(random),
      api_key: apiKey,
      service_user: serviceUser,
    };
    const profile = generatedProfile(
      base,
      anchor,
      (key) => apiKeys.has(key) || taken.hasApiKey(key),
    );
    for (const key of profile.api_keys) apiKeys.add(key.api_key);
    users.push({ ...base, ...profile });
  }
  return users;
}

function personIdentity(random: RandomSource): { name: string; emailStem: string } {
  const first = pick(FIRST_NAMES, random);
  const last = pick(LAST_NAMES, random);
  return { name: `${first} ${last}`, emailStem: `${asciiSlug(first)}.${asciiSlug(last)}` };
}

function serviceIdentity(random: RandomSource): { name: string; emailStem: string } {
  const name = pick(SERVICE_NAMES, random);
  return { name, emailStem: asciiSlug(name.replace(/ /g, "-"), true) };
}

function uniqueEmail(stem: string, random: RandomSource, isTaken: (email: string) => boolean) {
  for (let attempt = 0; ; attempt++) {
    // Small numbers look like real addresses; widen the range once they run out.
    const bound = attempt < 20 ? 99 : 99 * 2 ** Math.min(attempt - 19, 40);
    const email = `${stem}.${1 + random.below(bound)}@example.com`;
    if (!isTaken(email)) return email;
  }
}

function aclsFor(random: RandomSource): Acl[] {
  const total = ACL_PROFILES.reduce((sum, profile) => sum + profile.weight, 0);
  let roll = random.below(total);
  const profile = ACL_PROFILES.find((p) => (roll -= p.weight) < 0) ?? ACL_PROFILES[0];
  if (profile === undefined) return [];
  const chosen = new Set<Acl>(profile.always);
  for (const acl of profile.maybe) if (random.fraction() < 0.5) chosen.add(acl);
  return ACL_VALUES.filter((acl) => chosen.has(acl));
}

function pick<T>(items: readonly T[], random: RandomSource): T {
  const item = items[random.below(items.length)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

/** "María" → "maria", "O'Brien" → "obrien": email local parts stay plain ASCII. */
function asciiSlug(text: string, keepHyphens = false): string {
  const folded = text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
  return folded.replace(keepHyphens ? /[^a-z0-9-]+/g : /[^a-z0-9]+/g, "");
}
