import { VultrUsageError } from "./errors";

export const DEFAULT_ENDPOINT = "https://api.vultr.com/v2";

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Checks and normalizes the API base URL. Plain `http:` is refused unless the host is loopback:
 * the API key travels in every request's Authorization header and must never cross a network in
 * clear text. Returns the URL without a trailing slash.
 */
export function normalizeEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new VultrUsageError(
      `The Vultr API endpoint ${JSON.stringify(endpoint)} is not a URL: set \`vultr:apiEndpoint\` ` +
        `or VULTR_API_ENDPOINT to a URL such as ${DEFAULT_ENDPOINT}`,
    );
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new VultrUsageError(
      `The Vultr API endpoint ${url.origin} uses plain http on a non-loopback host; the API key ` +
        `would cross the network in clear text. Use https (or an emulator on 127.0.0.1).`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new VultrUsageError(
      `The Vultr API endpoint must be an https URL, got the ${url.protocol} scheme`,
    );
  }
  if (url.username || url.password) {
    throw new VultrUsageError("The Vultr API endpoint must not carry credentials in the URL");
  }
  url.search = "";
  url.hash = "";
  return url.toString().replace(/\/+$/, "");
}
