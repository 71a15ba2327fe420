/**
 * What a person should do about a failed request, from the status and Vultr's own text.
 * Pure, so the wording is tested without I/O.
 */
export function adviceFor(status: number, vultrMessage: string): string {
  if (status === 401) {
    const ip = /Unauthorized IP address:?\s*([0-9a-fA-F.:]+)/.exec(vultrMessage);
    if (ip) {
      return (
        `the API key's user does not allow requests from ${ip[1]}: add this address to the ` +
        `API access control list (IP allowlist) of the key's user in the Vultr console ` +
        `(Account → API), or run from an allowed address`
      );
    }
    return (
      "Vultr did not accept the API key: check `vultr:apiKey` " +
      "(pulumi config set --secret vultr:apiKey …) or the VULTR_API_KEY environment variable, " +
      "and that the key's user still has API access"
    );
  }
  if (status === 403) {
    return (
      "the API key's user lacks the `manage_users` permission: use the account owner's key, " +
      "or grant `manage_users` to the key's user"
    );
  }
  if (status === 404) {
    return (
      "the user no longer exists in this Vultr account: remove the resource from the program, " +
      "or run `pulumi refresh` to drop it from the state"
    );
  }
  if (status === 429) {
    return (
      "Vultr kept rate-limiting the requests: lower `vultr:maxRequestsPerSecond` / VULTR_MAX_RPS, " +
      "or try again in a minute"
    );
  }
  if (status === 400) {
    return (
      "Vultr refused the request (its text above says why); if it does not explain the refusal, " +
      "this may be a bug in the provider: please report it"
    );
  }
  if (status >= 500) {
    return "Vultr's API is failing on its side: try again later (see https://status.vultr.com)";
  }
  return "unexpected answer from Vultr";
}

/** What to do when no usable answer arrived at all. */
export function adviceForTransport(kind: "timeout" | "network" | "invalid answer"): string {
  if (kind === "timeout") {
    return (
      "Vultr did not answer in time: check the network path to the API endpoint (proxy, " +
      "firewall), try again later, or raise VULTR_TIMEOUT_MS"
    );
  }
  if (kind === "network") {
    return (
      "the connection to Vultr failed: check `vultr:apiEndpoint` / VULTR_API_ENDPOINT and the " +
      "network path (DNS, proxy, firewall), then try again"
    );
  }
  return (
    "something other than Vultr's API may have answered (a proxy or captive portal), or Vultr " +
    "is failing: check `vultr:apiEndpoint` / VULTR_API_ENDPOINT and try again later"
  );
}
