/**
 * The stored outputs of a UserApiKey, read back from the engine's `olds` (diff, update, delete)
 * or state (read): secrets may arrive as wire envelopes, older fields may be missing.
 */
import { ExpectedFailure } from "../engine/handler-support";
import type { KeyOutputs } from "./types";

/** Pulumi's secret envelope: `{"4dabf18193072939515e22adb298388d": "1b47…", "value": …}`. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

function unwrap(value: unknown): unknown {
  if (typeof value === "object" && value !== null && SECRET_SIG in value) {
    return (value as { value?: unknown }).value;
  }
  return value;
}

const text = (value: unknown): string => {
  const plain = unwrap(value);
  return typeof plain === "string" ? plain : "";
};

export function storedKey(id: string, props: Record<string, unknown>): KeyOutputs {
  const userId = text(props.userId);
  const keyId = text(props.keyId);
  if (userId === "" || keyId === "") {
    throw new ExpectedFailure(
      `the state of UserApiKey ${id} has no userId or keyId: run \`pulumi refresh\`, or remove the resource from the state (\`pulumi state delete\`) and delete its key in Vultr`,
    );
  }
  const retiring = unwrap(props.retiringKeyIds);
  return {
    userId,
    email: text(props.email),
    name: text(props.name),
    keyId,
    apiKey: text(props.apiKey),
    keyHint: text(props.keyHint),
    dateExpire: text(props.dateExpire),
    previousKeyId: text(props.previousKeyId),
    previousKeyHint: text(props.previousKeyHint),
    previousDateExpire: text(props.previousDateExpire),
    retiringKeyIds: Array.isArray(retiring)
      ? retiring.filter((k): k is string => typeof k === "string")
      : [],
    lifetimeDays: Number(unwrap(props.lifetimeDays)) || 0,
    rotateBeforeDays: Number(unwrap(props.rotateBeforeDays)) || 0,
    keepPrevious: unwrap(props.keepPrevious) !== false,
  };
}

/** The outputs the engine stores: every field present (an update returning none wipes them). */
export function keyOutputs(outs: KeyOutputs): Record<string, unknown> {
  return { ...outs };
}
