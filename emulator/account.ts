import type { RandomSource } from "./random";
import type { UserStore } from "./store";
import type { ApiBehaviour } from "./types";

/** What one API request may read and change. */
export interface Account {
  ownerKey: string;
  users: UserStore;
  /** Keys and ids of things created through the API are never predictable. */
  random: RandomSource;
  behaviour: Readonly<ApiBehaviour>;
  /** Where sub-users' requests are taken to come from; undefined: no allowlist enforcement. */
  clientAddress: string | undefined;
  /** The request's arrival, ms since the epoch. */
  now: number;
}

/** A new key value nobody holds, the owner included. */
export function freshKeyValue(account: Pick<Account, "ownerKey" | "users" | "random">): string {
  let key = account.random.apiKey();
  while (key === account.ownerKey || account.users.hasApiKey(key)) {
    key = account.random.apiKey();
  }
  return key;
}
