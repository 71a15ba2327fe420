/**
 * What every step needs around its handler: one step budget, failures turned into clear key-free
 * messages (an expected failure, a create that failed after writing), and the messages flushed
 * to the engine before the step ends.
 */
import { unauthorizedReason } from "../client/advice";
import { isVultrApiError } from "../client/errors";
import { stepDeadline } from "../client/step-deadline";
import { expectEcho } from "./host-echo";
import { flushMessages, scrub } from "./messages";
import { relieveMemory } from "./memory";

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

/**
 * A step (with its reads and writes, and their retries) fails within this long, not counting
 * waits for the pacer, so that a hanging API fails a deployment in under a minute.
 */
const STEP_BUDGET_MS = 55_000;

/** After a key rotation, refresh and destroy still run with the configuration stored in state. */
const ROTATION_ADVICE =
  " — if the API key was rotated (`pulumi config set --secret vultr:apiKey …`), `pulumi refresh` " +
  "and `pulumi destroy` still use the key stored with the stack's last update: run `pulumi up` " +
  "once with the new key first (or pass `--run-program` to refresh/destroy)";

export interface HandleOptions {
  /** Read and delete run with the stored provider configuration: a 401 may mean a rotated key. */
  storedConfiguration?: boolean;
}

/** Runs a handler body; any failure reaches the engine as one clear, key-free message. */
export async function handle<T>(body: () => Promise<T>, options: HandleOptions = {}): Promise<T> {
  let failure: Error | undefined;
  try {
    return await stepDeadline.run(STEP_BUDGET_MS, body);
  } catch (error) {
    failure = failureFor(error, options);
    throw failure;
  } finally {
    await flushMessages();
    relieveMemory();
    // The engine shows the failure on its resource; the host's copy of an explained one would
    // show again under the stack. (A bug's stack trace is left to print.)
    if (failure instanceof ExpectedFailure) expectEcho(failure);
  }
}

function failureFor(error: unknown, options: HandleOptions): Error {
  const message = error instanceof Error ? error.message : String(error);
  const rotated =
    options.storedConfiguration === true &&
    isVultrApiError(error) &&
    unauthorizedReason(error.status, error.vultrMessage) === "key not accepted";
  const text = scrub(rotated ? message + ROTATION_ADVICE : message);
  // Our own failures are explained; anything else is a bug whose stack trace helps.
  let failure: Error;
  if (error instanceof ExpectedFailure || isExpected(error)) {
    failure = new ExpectedFailure(text);
  } else {
    failure = new Error(text, { cause: error });
    if (error instanceof Error && error.stack !== undefined) failure.stack = scrub(error.stack);
  }
  return keepInitFailure(error, failure, text);
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

/**
 * The dynamic-provider host answers an error carrying `id` with ErrorResourceInitFailed: the
 * engine then keeps the resource with `properties`, and the next up is an update.
 */
function keepInitFailure(from: unknown, to: Error, text: string): Error {
  const init = initFailureOf(from);
  if (init === undefined) return to;
  return Object.assign(to, { ...init, reasons: [text] });
}

/** The client's errors are all explained (they name the request, the status and what to do). */
function isExpected(error: unknown): boolean {
  return (
    error instanceof Error &&
    typeof error.name === "string" &&
    (error.name.startsWith("Vultr") || error.name === "ExpectedFailure")
  );
}
