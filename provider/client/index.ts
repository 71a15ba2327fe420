export * from "./errors";
export * from "./types";
export { Pacer, type PacerOptions } from "./pacer";
export { VultrUsersClient, MAX_PER_PAGE, type ClientHooks } from "./users-client";
export { normalizeEndpoint, DEFAULT_ENDPOINT } from "./endpoint";
export { adviceFor } from "./advice";
export { backoffDelayMs, parseRetryAfterMs, isRetryableStatus, nextDelayMs } from "./retry-policy";
