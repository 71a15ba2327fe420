import { randomBytes, randomInt, randomUUID } from "node:crypto";

/** Where generated users, ids and keys get their randomness from. */
export interface RandomSource {
  /** A number in [0, 1). */
  fraction(): number;
  /** An integer in [0, bound). */
  below(bound: number): number;
  /** A UUID v4. */
  uuid(): string;
  /** A key shaped like Vultr's: 36 characters of A-Z and 0-9. */
  apiKey(): string;
}

const KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const KEY_LENGTH = 36;

/** Unpredictable: for keys nobody chose and for users generated without a seed. */
export function cryptoRandom(): RandomSource {
  return {
    fraction: () => randomBytes(6).readUIntBE(0, 6) / 2 ** 48,
    below: (bound) => randomInt(bound),
    uuid: () => randomUUID(),
    apiKey: () => keyFrom((bound) => randomInt(bound)),
  };
}

/** Repeatable (mulberry32): the same seed gives the same users, ids and keys on every run. */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  const fraction = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const below = (bound: number): number => Math.floor(fraction() * bound);
  return { fraction, below, uuid: () => uuidFrom(below), apiKey: () => keyFrom(below) };
}

function keyFrom(below: (bound: number) => number): string {
  let key = "";
  for (let i = 0; i < KEY_LENGTH; i++) key += KEY_ALPHABET.charAt(below(KEY_ALPHABET.length));
  return key;
}

function uuidFrom(below: (bound: number) => number): string {
  const bytes = Array.from({ length: 16 }, () => below(256));
  // Version 4 and the RFC 4122 variant, so seeded ids pass any UUID v4 check.
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20),
  ].join("-");
}
