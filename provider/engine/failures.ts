/**
 * Failures the provider expected and explained, and the create that failed after writing: what
 * every handler throws, and what the front door maps to the engine's answers.
 */

/**
 * A failure the provider expected and explained (bad input, an answer from Vultr, a refusal):
 * its message is the whole story. The dynamic-provider host prints `${error}: ${error.stack}`
 * for failed steps next to the step's error, so such a failure carries no stack trace — it
 * would only point into compiled files the package does not ship as sources.
 */
export class ExpectedFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExpectedFailure";
    this.stack = "";
  }

  override toString(): string {
    return this.message;
  }
}

/** What a create that wrote something before it failed hands the engine to keep in state. */
export interface InitFailure {
  /** The resource id: the engine keeps the resource (ErrorResourceInitFailed). */
  id: string;
  /** The outputs that describe what was applied (the front door adds what it keeps beside). */
  properties: Record<string, unknown>;
}

/** Marks `error` as a create that failed after writing: state will record `init`. */
export function withInitFailure(error: unknown, init: InitFailure): unknown {
  return error instanceof Error ? Object.assign(error, init) : error;
}

/** The init failure `error` carries, if any. */
export function initFailureOf(error: unknown): InitFailure | undefined {
  const init = error as Partial<InitFailure> | null;
  if (typeof init?.id !== "string" || typeof init.properties !== "object") return undefined;
  return { id: init.id, properties: init.properties };
}
