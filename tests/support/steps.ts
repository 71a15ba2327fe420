/**
 * The steps of a fault suite, as the user would see them: an RPC's result or its message, and
 * Check then Create of a new resource.
 */
import { ProviderHostError, type ProviderHost } from "./provider-host";
import type { Props } from "./workbench";

/** The outcome of one RPC: its result, or the message the user would see. */
export type Settled<T> = { ok: true; value: T } | { ok: false; message: string };

export async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    if (error instanceof ProviderHostError) return { ok: false, message: error.message };
    throw error;
  }
}

/** The message of a step expected to fail; fails the test with the result otherwise. */
export function failureOf<T>(settled: Settled<T>): string {
  if (settled.ok)
    throw new Error(`expected the step to fail, it returned ${asJson(settled.value)}`);
  return settled.message;
}

/**
 * Check then Create of one resource, as the engine runs a new resource. Check reads the API (it
 * confirms the user exists), so it can fail two ways: its RPC fails (the client's message), or it
 * answers CheckFailures (`property: reason`, joined by "; "). Create runs only after a clean Check.
 */
export type Adoption =
  | { ok: true; value: { id: string; outs: Props } }
  | { ok: false; step: "check"; kind: "error" | "CheckFailure"; message: string }
  | { ok: false; step: "create"; kind: "error"; message: string };

export async function checkThenCreate(
  host: ProviderHost,
  urn: string,
  news: Props,
): Promise<Adoption> {
  const checked = await settle(host.check(urn, {}, news));
  if (!checked.ok) return { ok: false, step: "check", kind: "error", message: checked.message };
  const { failures, inputs } = checked.value;
  if (failures.length > 0) {
    const message = failures.map((f) => `${f.property}: ${f.reason}`).join("; ");
    return { ok: false, step: "check", kind: "CheckFailure", message };
  }
  const created = await settle(host.create(urn, inputs));
  return created.ok
    ? created
    : { ok: false, step: "create", kind: "error", message: created.message };
}

export function valueOf<T>(settled: Settled<T>): T {
  if (!settled.ok) throw new Error(`expected the step to succeed, it failed: ${settled.message}`);
  return settled.value;
}

function asJson(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
