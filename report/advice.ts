/**
 * The report's own words for a failed request. The client's advice is written for a Pulumi
 * program (stack config, `pulumi refresh`); the report reads only environment variables and
 * changes nothing, so it says what to do in its terms: VULTR_API_KEY, VULTR_API_ENDPOINT,
 * VULTR_MAX_RPS, and the full URL that answered. Pure.
 */
import { adviceFor, unauthorizedReason } from "../provider/client/advice";
import { DEFAULT_ENDPOINT } from "../provider/client/endpoint";
import { isVultrApiError } from "../provider/client/errors";

export const NO_KEY =
  "no Vultr API key: set the VULTR_API_KEY environment variable to the account owner's key or " +
  "to the key of a user with manage_users (the report reads VULTR_API_KEY, VULTR_API_ENDPOINT " +
  "and VULTR_MAX_RPS, not Pulumi config)";

/** What a request of the report is about, from its path. */
function labelOf(path: string): string {
  const perUser = /^\/users\/([^/]+)\/(ip-whitelist|apikeys)$/.exec(path);
  if (perUser !== null) {
    const user = decodeURIComponent(perUser[1] ?? "");
    // The client's own labels, so a message reads the same from the provider and the report.
    return perUser[2] === "ip-whitelist"
      ? `Reading the API allowlist of Vultr user ${user}`
      : `Listing the API keys of Vultr user ${user}`;
  }
  return path === "/users" ? "Listing Vultr users" : `Requesting ${path}`;
}

interface Context {
  /** The base URL the report used. */
  endpoint: string;
  maxRequestsPerSecond: number;
}

function adviceForStatus(
  status: number,
  vultrMessage: string,
  path: string,
  url: string,
  context: Context,
): string {
  if (status === 401 && unauthorizedReason(status, vultrMessage) === "address not allowed") {
    const ip = /^Unauthorized IP address:?\s*([0-9a-fA-F.:]+)/i.exec(vultrMessage.trim())?.[1];
    return (
      `the API key's user does not allow requests from ${ip ?? "this machine's address"}: run ` +
      "the report from an address in that user's API allowlist, or with the account owner's " +
      "key, or add the address to the user's allowlist (Vultr console, Account → API)"
    );
  }
  if (status === 401) {
    return (
      "Vultr did not accept the API key in VULTR_API_KEY: check that it is the account owner's " +
      "key or a key of a user with manage_users, that it has not expired, and that its user " +
      "still has API access"
    );
  }
  if (status === 403) {
    return (
      "the API key's user lacks the manage_users permission the report needs: set VULTR_API_KEY " +
      "to the account owner's key, or grant manage_users to the key's user"
    );
  }
  if (status === 404 && path === "/users") {
    return (
      `${url} answered 404: the list of users is not there, so ${context.endpoint} is not ` +
      "the base URL of Vultr's API, which must end in /v2; set VULTR_API_ENDPOINT to one such " +
      `as ${DEFAULT_ENDPOINT}, or leave it unset for Vultr itself`
    );
  }
  if (status === 404) {
    return (
      "the user was deleted while the report was reading the account (the list had it moments " +
      "before): run the report again"
    );
  }
  if (status === 429) {
    return (
      `Vultr kept rate-limiting the requests: lower VULTR_MAX_RPS (now ` +
      `${context.maxRequestsPerSecond} per second), or try again in a minute`
    );
  }
  return adviceFor(status, vultrMessage);
}

/** Names the report's settings where the client names stack config and variable alike. */
function inReportTerms(text: string): string {
  return text
    .replace(/`vultr:apiEndpoint`\s*(?:\/|or)\s*VULTR_API_ENDPOINT/g, "VULTR_API_ENDPOINT")
    .replace(/`vultr:apiKey`\s*(?:\/|or)\s*VULTR_API_KEY/g, "VULTR_API_KEY")
    .replace(/`vultr:maxRequestsPerSecond`\s*(?:\/|or)\s*VULTR_MAX_RPS/g, "VULTR_MAX_RPS");
}

/**
 * The message for a failure of the report's reads: for an HTTP answer, the request, the full
 * URL, the status, Vultr's text and the report's advice; anything else (timeouts, network,
 * answers that are not Vultr's) as the client wrote it, in the report's terms.
 */
export function failureMessage(error: unknown, context: Context): string {
  if (!isVultrApiError(error)) {
    return inReportTerms(error instanceof Error ? error.message : String(error));
  }
  const url = `${context.endpoint}${error.path}`;
  const advice = adviceForStatus(error.status, error.vultrMessage, error.path, url, context);
  const tried = error.attempts > 1 ? ` [gave up after ${error.attempts} attempts]` : "";
  return (
    `${labelOf(error.path)}: Vultr answered ${error.status} ${JSON.stringify(error.vultrMessage)} ` +
    `(${error.method} ${url}) — ${advice}${tried}`
  );
}

/** A usage error of the client (an endpoint it refuses, a key it cannot send), in report terms. */
export function usageMessage(message: string): string {
  return inReportTerms(message);
}
