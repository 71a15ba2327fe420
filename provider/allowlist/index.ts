/**
 * The per-user API allowlist, pure: parsing, canonical form, validation of `allowedIps`, and
 * the comparison of declared against live entries.
 */
export {
  type IpFamily,
  type AllowlistEntry,
  type ParsedEntry,
  formatEntry,
  parseEntry,
  readListedEntry,
  sortEntries,
  compareAllowlists,
} from "./entry";
export { PREFIX_BOUNDS, rangeProblem } from "./public-ranges";
export {
  type AllowedIpsValidation,
  type AllowedIpsFailure,
  type AllowedIpsOptions,
  DEFAULT_MAX_ALLOWLIST_ENTRIES,
  redundantEntries,
  validateAllowedIps,
} from "./validate";
