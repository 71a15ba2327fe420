/**
 * Where the provider's settings come from: stack config first, then the environment, then
 * defaults. Pure; the handlers call it inside the provider process, so nothing secret is ever
 * captured in the serialized provider.
 */
import { CLIENT_DEFAULTS, type ClientSettings } from "./client/types";
import { VultrUsageError } from "./client/errors";

/** The part of Pulumi's dynamic-provider Config this needs. */
export interface ConfigSource {
  get(key: string): unknown;
}

export interface ProviderSettings extends ClientSettings {
  maxRequestsPerSecond: number;
}

/** Below Vultr's 30 requests per second, with room for the burst and other tools. */
export const DEFAULT_MAX_RPS = 20;

function text(value: unknown): string | undefined {
  if (typeof value !== "string" && typeof value !== "number") return undefined;
  const s = String(value).trim();
  return s === "" ? undefined : s;
}

function positiveNumber(
  raw: string | undefined,
  name: string,
  integer: boolean,
): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  const ok = Number.isFinite(n) && (integer ? Number.isInteger(n) && n >= 0 : n > 0);
  if (!ok) {
    throw new VultrUsageError(
      `${name} must be a ${integer ? "whole number ≥ 0" : "positive number"}, got ${JSON.stringify(raw)}`,
    );
  }
  return n;
}

export function resolveSettings(
  config: ConfigSource | undefined,
  env: NodeJS.ProcessEnv,
): ProviderSettings {
  const fromConfig = (key: string) => text(config?.get(key));
  const apiKey = fromConfig("vultr:apiKey") ?? text(env.VULTR_API_KEY);
  if (apiKey === undefined) {
    throw new VultrUsageError(
      "No Vultr API key: set it as a stack secret with `pulumi config set --secret vultr:apiKey <key>`, " +
        "or in the VULTR_API_KEY environment variable",
    );
  }
  const endpoint =
    fromConfig("vultr:apiEndpoint") ?? text(env.VULTR_API_ENDPOINT) ?? CLIENT_DEFAULTS.endpoint;
  const rpsRaw = fromConfig("vultr:maxRequestsPerSecond");
  const maxRequestsPerSecond =
    positiveNumber(rpsRaw, "vultr:maxRequestsPerSecond", false) ??
    positiveNumber(text(env.VULTR_MAX_RPS), "VULTR_MAX_RPS", false) ??
    DEFAULT_MAX_RPS;
  const timeoutMs =
    positiveNumber(text(env.VULTR_TIMEOUT_MS), "VULTR_TIMEOUT_MS", false) ??
    CLIENT_DEFAULTS.timeoutMs;
  const maxRetries =
    positiveNumber(text(env.VULTR_MAX_RETRIES), "VULTR_MAX_RETRIES", true) ??
    CLIENT_DEFAULTS.maxRetries;
  return {
    ...CLIENT_DEFAULTS,
    apiKey,
    endpoint,
    maxRequestsPerSecond,
    timeoutMs,
    maxRetries,
    retryBaseMs:
      positiveNumber(text(env.VULTR_RETRY_BASE_MS), "VULTR_RETRY_BASE_MS", false) ??
      CLIENT_DEFAULTS.retryBaseMs,
  };
}
