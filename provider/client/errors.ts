/**
 * The client's error family. Each class sets `name` and the guards check the name as well as
 * `instanceof`: Pulumi loads serialized provider code in another module context, where a second
 * copy of these classes makes `instanceof` fail.
 *
 * No message ever contains the API key: errors are built from the method, path, status and
 * Vultr's own `error` text only, never from request headers.
 */
export class VultrError extends Error {
  override name: string = "VultrError";
}

export interface ApiErrorDetails {
  status: number;
  method: string;
  path: string;
  /** Vultr's own `error` text, or the start of the body when it had none. */
  vultrMessage: string;
  /** The user the request was about, when it was about one. */
  userId?: string;
  /** How many attempts were made before giving up. */
  attempts: number;
}

/** Vultr answered with a non-success status. */
export class VultrApiError extends VultrError {
  override name = "VultrApiError" as const;
  readonly status: number;
  readonly method: string;
  readonly path: string;
  readonly vultrMessage: string;
  readonly userId: string | undefined;
  readonly attempts: number;

  constructor(details: ApiErrorDetails, message: string) {
    super(message);
    this.status = details.status;
    this.method = details.method;
    this.path = details.path;
    this.vultrMessage = details.vultrMessage;
    this.userId = details.userId;
    this.attempts = details.attempts;
  }
}

/** No answer arrived within the request timeout. */
export class VultrTimeoutError extends VultrError {
  override name = "VultrTimeoutError" as const;
}

/** The connection failed (refused, reset, DNS) before a complete answer arrived. */
export class VultrNetworkError extends VultrError {
  override name = "VultrNetworkError" as const;
}

/** An answer arrived but is not what the API documents (not JSON, wrong shape). */
export class VultrInvalidResponseError extends VultrError {
  override name = "VultrInvalidResponseError" as const;
}

export interface UncertainWriteDetails {
  method: string;
  path: string;
  userId?: string;
  /** The status of the answer that left it open (5xx, or a 2xx that could not be read). */
  status?: number;
  attempts: number;
}

/**
 * A write that must not be sent twice (POST /users/{id}/apikeys makes a new key each time) got an
 * answer that leaves open whether it happened: a 5xx, a timeout, a broken connection, an
 * unreadable 2xx. It was not retried; read (list the keys) before trying again. A 429 is not
 * this: Vultr turned the request away before handling it, so the client retries it.
 */
export class VultrUncertainWriteError extends VultrError {
  override name = "VultrUncertainWriteError" as const;
  readonly method: string;
  readonly path: string;
  readonly userId: string | undefined;
  readonly status: number | undefined;
  readonly attempts: number;

  constructor(details: UncertainWriteDetails, message: string) {
    super(message);
    this.method = details.method;
    this.path = details.path;
    this.userId = details.userId;
    this.status = details.status;
    this.attempts = details.attempts;
  }
}

/** The client was asked for something it refuses to send (bad id, insecure endpoint, no key). */
export class VultrUsageError extends VultrError {
  override name = "VultrUsageError" as const;
}

function hasName(error: unknown, names: readonly string[]): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { name?: unknown }).name === "string" &&
    names.includes((error as { name: string }).name)
  );
}

const ALL_NAMES = [
  "VultrError",
  "VultrApiError",
  "VultrTimeoutError",
  "VultrNetworkError",
  "VultrInvalidResponseError",
  "VultrUsageError",
  "VultrUncertainWriteError",
] as const;

export function isVultrError(error: unknown): error is VultrError {
  return error instanceof VultrError || hasName(error, ALL_NAMES);
}

export function isVultrApiError(error: unknown): error is VultrApiError {
  return error instanceof VultrApiError || hasName(error, ["VultrApiError"]);
}

export function isVultrTimeoutError(error: unknown): error is VultrTimeoutError {
  return error instanceof VultrTimeoutError || hasName(error, ["VultrTimeoutError"]);
}

export function isVultrNetworkError(error: unknown): error is VultrNetworkError {
  return error instanceof VultrNetworkError || hasName(error, ["VultrNetworkError"]);
}

export function isVultrInvalidResponseError(error: unknown): error is VultrInvalidResponseError {
  return (
    error instanceof VultrInvalidResponseError || hasName(error, ["VultrInvalidResponseError"])
  );
}

export function isVultrUsageError(error: unknown): error is VultrUsageError {
  return error instanceof VultrUsageError || hasName(error, ["VultrUsageError"]);
}

export function isVultrUncertainWriteError(error: unknown): error is VultrUncertainWriteError {
  return error instanceof VultrUncertainWriteError || hasName(error, ["VultrUncertainWriteError"]);
}
