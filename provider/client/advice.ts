/**
 * What a person should do about a failed request, from the status and Vultr's own text.
 * Pure, so the wording is tested without I/O.
 */

/**
 * Why Vultr refused the running key: a request from an address outside the allowlist of the
 * key's user ("Unauthorized IP address: 203.0.113.7"), or the key itself (unknown, revoked,
 * expired, its user's API access off). Undefined for anything but a 401. The provider adds its
 * own advice on top, e.g. that a key rotated away from a deployment's user must be replaced.
 */
export type UnauthorizedReason = "address not allowed" | "key not accepted";

export function unauthorizedReason(
  status: number,
  vultrMessage: string,
): UnauthorizedReason | undefined {
  if (status !== 401) return undefined;
  return /^Unauthorized IP address/i.test(vultrMessage.trim())
    ? "address not allowed"
    : "key not accepted";
}

/** `/users/{id}` and what lies under it: a 404 there is about that user. */
function isOneUsersPath(path: string): boolean {
  return /^\/users\/[^/?]+(\/|\?|$)/.test(path);
}

/**
 * A 404 on a collection (the users list, say) cannot mean a user is gone: the base URL does not
 * lead to Vultr's API, most often because it lacks `/v2`.
 */
function endpointAdvice(url: string): string {
  return (
    `${url} answered 404, so the API endpoint does not lead to Vultr's API: its base URL ` +
    "must end in /v2 (Vultr's is https://api.vultr.com/v2): check `vultr:apiEndpoint` / " +
    "VULTR_API_ENDPOINT"
  );
}

/** The request that was answered, when known: its path under the endpoint and its whole URL. */
export interface AnsweredRequest {
  path: string;
  /** The endpoint and the path, without the query. */
  url: string;
}

/**
 * The running key's own user does not admit this address, and only the account owner's key can
 * change that (a sub-user's key is refused from here, whatever it would ask).
 */
function addressAdvice(vultrMessage: string): string {
  const ip = /^Unauthorized IP address:?\s*([0-9a-fA-F.:]+)/i.exec(vultrMessage.trim())?.[1];
  const entry = ip === undefined ? undefined : `${ip}/${ip.includes(":") ? 128 : 32}`;
  const from = ip === undefined ? "this machine's address" : ip;
  const add = entry === undefined ? "this machine's address (as /32 or /128)" : entry;
  return (
    `the API key this deployment runs with is refused from ${from}: add ${add} to the API ` +
    "access control list (IP allowlist) of the key's user with the account owner's key (in the " +
    "Vultr console under Account → API, or with `allowedIps` in a run with the owner's key), or " +
    "run from an address that list admits"
  );
}

export function adviceFor(status: number, vultrMessage: string, request?: AnsweredRequest): string {
  if (status === 401) {
    if (unauthorizedReason(status, vultrMessage) === "address not allowed") {
      return addressAdvice(vultrMessage);
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
    if (request !== undefined && !isOneUsersPath(request.path)) return endpointAdvice(request.url);
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
  if (status === 400 && request !== undefined && /\/apikeys$/.test(request.path)) {
    return keyRefusalAdvice(vultrMessage);
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

/**
 * A key create refused: too many keys, or a name or expiry Vultr does not take (none of these
 * limits is documented, so the wording of Vultr's text is matched loosely).
 */
function keyRefusalAdvice(vultrMessage: string): string {
  if (/maximum|limit|too many/i.test(vultrMessage)) {
    return (
      "the user holds as many API keys as Vultr allows: delete a key the user no longer needs " +
      "(in the Vultr console under Users → API keys), then try again"
    );
  }
  if (/expire|date/i.test(vultrMessage)) {
    return "Vultr refused the key's expiry date (its text above says why): choose another lifetime";
  }
  if (/name/i.test(vultrMessage)) {
    return "Vultr refused the key's name (its text above says why): choose a shorter or plainer name";
  }
  return (
    "Vultr refused to create the key (its text above says why); if it does not explain the " +
    "refusal, this may be a bug in the provider: please report it"
  );
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
