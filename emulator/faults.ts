import { validateHeaderName, validateHeaderValue } from "node:http";
import { EmulatorInputError } from "./errors";
import { asRecord, isBoolean, isString, nonNegativeInteger, optional } from "./control-input";
import type { FaultKind, FaultSpec } from "./types";

const FAULT_KINDS: readonly FaultKind[] = [
  "status",
  "hang",
  "reset",
  "non-json",
  "truncated",
  "delay",
];

interface ActiveFault {
  readonly id: string;
  readonly spec: FaultSpec;
  /** Requests it will still take; Infinity when persistent. */
  remaining: number;
}

/** Injected faults, matched in the order they were added. */
export class FaultBook {
  private faults: ActiveFault[] = [];
  private nextId = 1;

  add(input: FaultSpec): string {
    const spec = checkedFault(input);
    const id = `fault-${this.nextId++}`;
    const remaining = spec.persistent === true ? Infinity : (spec.times ?? 1);
    if (remaining > 0) this.faults.push({ id, spec, remaining });
    return id;
  }

  clear(): void {
    this.faults = [];
  }

  /** The first fault matching the request, which thereby uses up one of its times. */
  take(method: string, path: string): FaultSpec | undefined {
    const fault = this.faults.find((f) => matches(f.spec, method, path));
    if (fault === undefined) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault.spec;
  }
}

function matches(spec: FaultSpec, method: string, path: string): boolean {
  if (spec.method !== undefined && spec.method.toUpperCase() !== method.toUpperCase()) return false;
  if (spec.path === undefined) return true;
  return spec.path.endsWith("*") ? path.startsWith(spec.path.slice(0, -1)) : path === spec.path;
}

function checkedFault(input: unknown): FaultSpec {
  const fields = asRecord(input, "A fault");
  const kind = fields["kind"];
  if (!FAULT_KINDS.includes(kind as FaultKind)) {
    throw new EmulatorInputError(`kind must be one of ${FAULT_KINDS.join(", ")}.`);
  }
  const spec: FaultSpec = { kind: kind as FaultKind };
  const method = optional(fields, "method", isString, "a string");
  if (method !== undefined) spec.method = method;
  const path = optional(fields, "path", isString, "a string");
  if (path !== undefined) spec.path = path;
  if (fields["status"] !== undefined) spec.status = httpStatus(fields["status"]);
  if (kind === "status" && spec.status === undefined) {
    throw new EmulatorInputError("A status fault needs a status.");
  }
  if (fields["body"] !== undefined) spec.body = fields["body"];
  if (fields["headers"] !== undefined) spec.headers = headers(fields["headers"]);
  if (fields["delayMs"] !== undefined)
    spec.delayMs = nonNegativeInteger(fields["delayMs"], "delayMs");
  if (kind === "delay" && spec.delayMs === undefined) {
    throw new EmulatorInputError("A delay fault needs delayMs.");
  }
  if (fields["times"] !== undefined) spec.times = nonNegativeInteger(fields["times"], "times");
  const persistent = optional(fields, "persistent", isBoolean, "a boolean");
  if (persistent !== undefined) spec.persistent = persistent;
  return spec;
}

function httpStatus(value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 200 || value > 599) {
    throw new EmulatorInputError("status must be an integer from 200 to 599.");
  }
  return value;
}

function headers(value: unknown): Record<string, string> {
  const fields = asRecord(value, "headers");
  for (const [name, text] of Object.entries(fields)) {
    if (typeof text !== "string") throw new EmulatorInputError(`Header ${name} must be a string.`);
    try {
      validateHeaderName(name);
      validateHeaderValue(name, text);
    } catch {
      throw new EmulatorInputError(`Header ${JSON.stringify(name)} is not a valid HTTP header.`);
    }
  }
  return Object.fromEntries(
    Object.entries(fields as Record<string, string>).map(([name, text]) => [
      name.toLowerCase(),
      text,
    ]),
  );
}
