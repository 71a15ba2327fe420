/**
 * The provider implementation, loaded by the thin shim that the SDK serializes into state
 * (`require("pulumi-vultr-user-access/provider")`).
 */
export { handlers } from "./handlers";
export * from "./types";
export * from "./client";
export { UserDirectory } from "./directory";
export { resolveSettings, DEFAULT_MAX_RPS, type ProviderSettings } from "./settings";
export { validateInputs } from "./validate";
export { decideDiff, deleteTarget, outputsFor, patchNeeded } from "./reconcile";
export { isVultrUserId } from "./user-id";
export { logToEngine, flushEngineLog } from "./engine-log";
export { policyHandlers } from "./policy";
