/**
 * A key in clear text, as POST /users/{id}/apikeys answers it once. Printing, logging or
 * serializing it shows only its hint; `reveal()` is the one way to the value, so that the value
 * goes where it is meant to (a Pulumi secret output) and nowhere by accident.
 */
import { rememberCreatedKey } from "./failures";

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

export class ApiKeySecret {
  readonly #value: string;
  /** `"…3f9a2"`: the last 5 characters, as Vultr's masked listing shows them. */
  readonly hint: string;

  constructor(value: string) {
    this.#value = value;
    this.hint = `…${value.length > 10 ? value.slice(-5) : ""}`;
    // Any later message or log line that echoes it is scrubbed.
    rememberCreatedKey(value);
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return `[API key ${this.hint}]`;
  }

  toJSON(): string {
    return this.toString();
  }

  [INSPECT](): string {
    return this.toString();
  }
}
