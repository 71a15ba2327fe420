/**
 * Where the provider's settings come from: stack config first, then the environment, then
 * defaults. Pure; the handlers call it inside the provider process, so nothing secret is ever
 * captured in the serialized provider.
 */
import { CLIENT_DEFAULTS, type ClientSettings } from "../client/types";
import { VultrUsageError } from "../client/errors";

/** The part of Pulumi's dynamic-provider Config this needs. */
export interface ConfigSource {
  get(key: string): unknown;
}

export interface ProviderSettings extends ClientSettings {
  maxRequestsPerSecond: number;
  /** What the person running Pulumi should hear about these settings, once per process. */
  warnings: readonly string[];
}

/** Vultr's documented limit: "more than 30 requests per second … may return HTTP 429". */
export const VULTR_DOCUMENTED_RPS = 30;

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

/** The base URL the value meant, most likely: with `/v2` as its last path segment. */
function withV2(url: URL): string {
  const segments = url.pathname.split("/").filter((s) => s !== "");
  const v2 = segments.indexOf("v2");
  if (v2 >= 0) segments.length = v2;
  else if (/^v\d+$/.test(segments.at(-1) ?? "")) segments.pop();
  return `${url.origin}${["", ...segments, "v2"].join("/")}`;
}

/**
 * Every Vultr API path lives under `/v2`: a base URL without it makes every list answer 404.
 * Refused where the value is read, before any request, naming where it came from. A value that
 * is no URL, or carries credentials, is left to the client's own refusal (which quotes neither).
 */
function checkEndpointShape(value: string, from: "vultr:apiEndpoint" | "VULTR_API_ENDPOINT"): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return;
  }
  if (url.username !== "" || url.password !== "") return;
  if (/(^|\/)v2$/.test(url.pathname.replace(/\/+$/, ""))) return;
  // As given, unless a query or fragment (which might carry a token) has to be left out.
  const plain =
    url.search === "" && url.hash === "" && !value.includes("?") && !value.includes("#");
  const shown = JSON.stringify(plain ? value : `${url.origin}${url.pathname}`);
  const fix = withV2(url);
  const how =
    from === "vultr:apiEndpoint"
      ? `set it to ${fix} (\`pulumi config set vultr:apiEndpoint ${fix}\`), or remove it`
      : `set it to ${fix}, or unset it`;
  throw new VultrUsageError(
    `${from} is ${shown}, but the Vultr API's base URL must end in /v2: ${how} to use ` +
      CLIENT_DEFAULTS.endpoint,
  );
}

function rateWarnings(rate: number, from: string | undefined): string[] {
  if (from === undefined || rate <= VULTR_DOCUMENTED_RPS) return [];
  return [
    `${from} is ${rate}, above the ${VULTR_DOCUMENTED_RPS} requests per second Vultr documents ` +
      "for an account: Vultr will answer many requests with 429 and the run will spend its time " +
      `waiting; set it to ${VULTR_DOCUMENTED_RPS} or less (the default is ${DEFAULT_MAX_RPS})`,
  ];
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
  const configuredEndpoint = fromConfig("vultr:apiEndpoint");
  const envEndpoint = text(env.VULTR_API_ENDPOINT);
  if (configuredEndpoint !== undefined) checkEndpointShape(configuredEndpoint, "vultr:apiEndpoint");
  else if (envEndpoint !== undefined) checkEndpointShape(envEndpoint, "VULTR_API_ENDPOINT");
  const endpoint = configuredEndpoint ?? envEndpoint ?? CLIENT_DEFAULTS.endpoint;
  const rpsFromConfig = positiveNumber(
    fromConfig("vultr:maxRequestsPerSecond"),
    "vultr:maxRequestsPerSecond",
    false,
  );
  const rpsFromEnv = positiveNumber(text(env.VULTR_MAX_RPS), "VULTR_MAX_RPS", false);
  const maxRequestsPerSecond = rpsFromConfig ?? rpsFromEnv ?? DEFAULT_MAX_RPS;
  const rpsFrom =
    rpsFromConfig !== undefined
      ? "vultr:maxRequestsPerSecond"
      : rpsFromEnv !== undefined
        ? "VULTR_MAX_RPS"
        : undefined;
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
    warnings: rateWarnings(maxRequestsPerSecond, rpsFrom),
  };
}
