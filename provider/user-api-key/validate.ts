/**
 * Input validation for UserApiKey's `check`: pure, one failure per problem, each naming the
 * property.
 */
import { isEmailAddress, MAX_EMAIL_LENGTH, normalizeEmail } from "../account/naming";
import type { CheckFailure } from "../engine/outcomes";
import { isUnknown } from "../values/unknown";
import { isVultrUserId, quoteForMessage } from "../values/user-id";
import { MAX_KEY_NAME_LENGTH, MAX_LIFETIME_DAYS, type DeclaredKey } from "./types";

export interface KeyValidation {
  inputs: DeclaredKey;
  failures: CheckFailure[];
}

export interface KeyLimits {
  nameMaxLength: number;
  maxLifetimeDays: number;
}

export const DEFAULT_KEY_LIMITS: KeyLimits = {
  nameMaxLength: MAX_KEY_NAME_LENGTH,
  maxLifetimeDays: MAX_LIFETIME_DAYS,
};

const KNOWN = new Set([
  "userId",
  "email",
  "name",
  "lifetimeDays",
  "rotateBeforeDays",
  "keepPrevious",
]);

const present = (value: unknown): boolean => value !== undefined && value !== null && value !== "";

function validateUser(news: Record<string, unknown>, inputs: DeclaredKey): CheckFailure[] {
  const { userId, email } = news;
  if (!present(userId) && !present(email)) {
    return [
      {
        property: "userId",
        reason:
          "set userId (the Vultr user id) or email (the user's email address) to say whose key this is",
      },
    ];
  }
  const failures: CheckFailure[] = [];
  if (present(userId)) {
    if (isUnknown(userId)) inputs.userId = userId;
    else if (typeof userId !== "string" || !isVultrUserId(userId)) {
      failures.push({
        property: "userId",
        reason: `userId ${quoteForMessage(userId)} is not a Vultr user id: expected a UUID such as cb676a46-66fd-4dfb-b839-443f2e6c0b60 (or 13 hex digits on older accounts)`,
      });
    } else inputs.userId = userId.toLowerCase();
  }
  if (present(email)) {
    if (isUnknown(email)) inputs.email = email;
    else if (typeof email !== "string" || !isEmailAddress(email)) {
      failures.push({
        property: "email",
        reason: `email ${quoteForMessage(email)} is not an email address (expected name@domain.tld, at most ${MAX_EMAIL_LENGTH} characters)`,
      });
    } else inputs.email = normalizeEmail(email);
  }
  return failures;
}

function wholeDays(
  property: string,
  value: unknown,
  min: number,
  max: number,
  why: string,
): CheckFailure | number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    return {
      property,
      reason: `${property} must be a whole number of days from ${min} to ${max}${why}, got ${quoteForMessage(value)}`,
    };
  }
  return value;
}

export function validateKeyInputs(
  news: Record<string, unknown>,
  limits: KeyLimits = DEFAULT_KEY_LIMITS,
): KeyValidation {
  const inputs: DeclaredKey = {
    name: "",
    lifetimeDays: 0,
    rotateBeforeDays: 0,
    keepPrevious: true,
  };
  const failures: CheckFailure[] = [];
  for (const key of Object.keys(news)) {
    if (!KNOWN.has(key) && !key.startsWith("__")) {
      failures.push({
        property: key,
        reason: `unknown property ${quoteForMessage(key)}; UserApiKey takes userId, email, name, lifetimeDays, rotateBeforeDays and keepPrevious`,
      });
    }
  }
  failures.push(...validateUser(news, inputs));

  const { name, lifetimeDays, rotateBeforeDays, keepPrevious } = news;
  if (typeof name !== "string" || name.trim() === "") {
    failures.push({
      property: "name",
      reason: `name is required: the key's name in Vultr, a non-empty string, got ${quoteForMessage(name)}`,
    });
  } else if (name.length > limits.nameMaxLength) {
    failures.push({
      property: "name",
      reason: `name is ${name.length} characters long; Vultr takes at most ${limits.nameMaxLength}`,
    });
  } else inputs.name = name;

  const lifetime =
    lifetimeDays === undefined || lifetimeDays === null
      ? {
          property: "lifetimeDays",
          reason:
            "lifetimeDays is required: each key expires this many days after it is made (1 to " +
            `${limits.maxLifetimeDays})`,
        }
      : wholeDays("lifetimeDays", lifetimeDays, 1, limits.maxLifetimeDays, "");
  if (typeof lifetime === "number") inputs.lifetimeDays = lifetime;
  else failures.push(lifetime);

  if (rotateBeforeDays === undefined || rotateBeforeDays === null) {
    inputs.rotateBeforeDays = Math.max(1, Math.floor(inputs.lifetimeDays / 3));
    if (typeof lifetime === "number" && inputs.rotateBeforeDays >= lifetime) {
      failures.push({
        property: "rotateBeforeDays",
        reason: `lifetimeDays ${lifetime} leaves no room to rotate before expiry: declare lifetimeDays of at least 2`,
      });
    }
  } else if (typeof lifetime === "number") {
    const rotate = wholeDays(
      "rotateBeforeDays",
      rotateBeforeDays,
      1,
      lifetime - 1,
      ` (less than lifetimeDays, ${lifetime})`,
    );
    if (typeof rotate === "number") inputs.rotateBeforeDays = rotate;
    else failures.push(rotate);
  }

  if (keepPrevious !== undefined && keepPrevious !== null) {
    if (typeof keepPrevious === "boolean") inputs.keepPrevious = keepPrevious;
    else {
      failures.push({
        property: "keepPrevious",
        reason: `keepPrevious must be a boolean (true or false), got ${quoteForMessage(keepPrevious)}`,
      });
    }
  }
  return { inputs, failures };
}
