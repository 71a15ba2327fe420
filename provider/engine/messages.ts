/**
 * What the provider tells the person running Pulumi: drift, refusals and what each write did,
 * on the resource it concerns (through the engine's Log RPC; stdout when the engine cannot be
 * reached). Every message names the user, since Diagnostics and CI logs are read out of context.
 *
 * Each warning is said once per provider process, which is one engine pass: `--refresh` calls
 * diff after read, and a drift line must not appear twice.
 */
import { flushEngineLog, logToEngine, type LogSeverity } from "./engine-log";
import { redact } from "../client/failures";

export type { LogSeverity };

const said = new Set<string>();

/** The key this process runs with, once the account knows it (see `scrubKeyOf`). */
let currentApiKey: () => string | undefined = () => undefined;

/** The account tells messages where to find the key to scrub (`../account/runtime`). */
export function scrubKeyOf(source: () => string | undefined): void {
  currentApiKey = source;
}

/** Removes the key from any text as a last line of defence; messages are built without it. */
export function scrub(text: string): string {
  const key = currentApiKey() ?? process.env.VULTR_API_KEY;
  return key ? redact(text, key) : text;
}

/**
 * Says `text` on the resource `urn` (or on the stack when unknown). WARNING is for what a
 * reviewer must see (drift, refusals, access about to change); INFO for audit lines.
 */
export function say(severity: LogSeverity, urn: string | undefined, text: string): void {
  // Only what diff says can come twice in one pass (refresh's diff, then the update's); audit
  // lines are one per write. Remembering only warnings keeps a 10,000-resource destroy small.
  if (severity === "warning") {
    const key = `${urn ?? ""}\n${text}`;
    if (said.has(key)) return;
    said.add(key);
  }
  void logToEngine(severity, scrub(text), urn);
}

/**
 * The input the SDK adds (`pulumi.runtime.isDryRun()`): the engine tells a dynamic provider
 * nothing of whether it serves a preview or an update, and runs check and diff in both halves of
 * `up`, each in a fresh process. Check reads it and removes it from the inputs it returns, so it
 * never reaches the state or `preview --diff`.
 */
export const PREVIEW_KEY = "__preview";

/** This process's pass as check learnt it; undefined until then (refresh, destroy, older SDKs). */
let pass: "preview" | "update" | undefined;

/** Notes the pass the SDK announced, and returns the inputs without the announcement. */
export function notePass(news: Record<string, unknown>): Record<string, unknown> {
  const { [PREVIEW_KEY]: flag, ...rest } = news;
  if (typeof flag === "boolean") pass = flag ? "preview" : "update";
  return flag === undefined ? news : rest;
}

/**
 * Says a forecast (what up will do, drift it will repair): the preview's. In the update half of
 * `up` the preview has already said it, and the write's audit line says what was done, so a
 * forecast is dropped there; when the pass is unknown it is said.
 */
export function forecast(severity: LogSeverity, urn: string | undefined, text: string): void {
  if (pass !== "update") say(severity, urn, text);
}

/** Resolves once every message said so far has reached the engine or stdout. */
export function flushMessages(): Promise<void> {
  return flushEngineLog();
}
