/**
 * The finding codes: stable (part of the command's interface, used by `--fail-on` and in every
 * format). A leaf module: the report's types and the rules both import it.
 */
/** What a finding needs read before it can be decided. */
export type FindingSource = "account" | "allowlists" | "keys" | "state";

export interface FindingSpec {
  needs: FindingSource;
  /** One line for `--help` and the README. */
  when: string;
}

/** Every finding, in the order the report lists them. */
export const FINDINGS = {
  "api-open-to-any-ip": {
    needs: "allowlists",
    when: "API enabled and the allowlist admits any IPv4 or any IPv6 address",
  },
  "admin-with-api": { needs: "account", when: "API enabled and the user holds manage_users" },
  "api-without-key": {
    needs: "keys",
    when: "API enabled and no API key that is still valid (none, or all expired)",
  },
  "key-expiring": { needs: "keys", when: "an API key expires within 30 days" },
  "inactive-with-api": {
    needs: "account",
    when: "API enabled and no activity in 90 days (last_activity empty or older)",
  },
  "api-on-inactive-account": {
    needs: "account",
    when: "API enabled on a pending, suspended or closed user",
  },
  "unmanaged-api-access": {
    needs: "state",
    when: "API enabled and no resource of the given stacks manages the user",
  },
  drift: {
    needs: "state",
    when: "a given stack declares apiEnabled or allowedIps that the account does not hold",
  },
  "managed-twice": {
    needs: "state",
    when: "two UserApiAccess resources (in one stack or several) manage the same user",
  },
} as const satisfies Record<string, FindingSpec>;

export type FindingCode = keyof typeof FINDINGS;

export const FINDING_CODES = Object.keys(FINDINGS) as FindingCode[];

export function isFindingCode(value: string): value is FindingCode {
  return Object.hasOwn(FINDINGS, value);
}
