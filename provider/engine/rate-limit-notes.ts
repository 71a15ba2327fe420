/**
 * What Vultr's rate limit cost this provider process, which is one Pulumi command (each command,
 * and each half of `up`, starts its own): a WARNING when the first request is turned away with
 * 429, and one summary of how many were and how long the run waited for their retries.
 *
 * The dynamic provider has no end-of-command hook, so the summary is said:
 * - when the engine closes the provider: it sends SIGINT and waits up to 5 s before killing
 *   (sdk/go/common/resource/plugin/plugin.go, CLI 3.274.1), while its Log service still runs;
 *   a SIGTERM is treated alike. The summary is sent, then the signal is raised again;
 * - otherwise when rate limiting has calmed: no 429 for CALM_MS after the last retry it caused,
 *   in case the process lives on (or a later engine kills it without a signal).
 * A summary is said again only if more requests were rate-limited after it (with the run's new
 * totals), so a command that is limited throughout says it once, at its end.
 */
import { engineAddressFromArgv } from "./engine-log";
import { flushMessages, say } from "./messages";

export const RATE_LIMIT_WARNING = "Vultr is rate-limiting requests (429); retrying with backoff…";

/** Quiet time after the last 429's retry before a summary is said without a shutdown. */
const CALM_MS = 10_000;
/** How long a shutdown waits for the summary to reach the engine. */
const SHUTDOWN_FLUSH_MS = 2_000;

const tally = { refused: 0, waitedMs: 0, summarised: 0, warned: false };
let calm: NodeJS.Timeout | undefined;
let quietAfter = 0;
let listening = false;

/** The summary line for the run so far. */
export function rateLimitSummary(refused: number, waitedMs: number): string {
  const requests = `${refused} request${refused === 1 ? "" : "s"}`;
  return (
    `Vultr rate-limited ${requests} in this run; waited ${(waitedMs / 1000).toFixed(1)} s in ` +
    "total — if it happens often, lower `vultr:maxRequestsPerSecond` / VULTR_MAX_RPS, or keep " +
    "other tools that use this account's API from running at the same time"
  );
}

function summarise(): void {
  if (calm !== undefined) clearTimeout(calm);
  calm = undefined;
  if (tally.refused === tally.summarised) return;
  tally.summarised = tally.refused;
  say("warning", undefined, rateLimitSummary(tally.refused, tally.waitedMs));
}

function armCalmTimer(): void {
  if (calm !== undefined) clearTimeout(calm);
  const delay = Math.max(0, quietAfter - Date.now()) + CALM_MS;
  calm = setTimeout(summarise, delay);
  // The host's gRPC server keeps the process alive; this timer must not.
  calm.unref();
}

function onShutdown(signal: NodeJS.Signals): void {
  process.removeListener("SIGINT", onShutdown);
  process.removeListener("SIGTERM", onShutdown);
  summarise();
  const bound = new Promise((resolve) => setTimeout(resolve, SHUTDOWN_FLUSH_MS).unref());
  void Promise.race([flushMessages(), bound]).finally(() => process.kill(process.pid, signal));
}

function listenForShutdown(): void {
  // Only in the provider host the engine started (its address is the last argument): the
  // provider's code also runs in test runners and other tools, whose signals are their own.
  if (listening || engineAddressFromArgv(process.argv) === undefined) return;
  listening = true;
  process.once("SIGINT", onShutdown);
  process.once("SIGTERM", onShutdown);
}

/** The client's hook: one 429 answer, and the wait before its retry (0 when it gave up). */
export function noteRateLimited(waitMs: number): void {
  tally.refused += 1;
  tally.waitedMs += waitMs;
  quietAfter = Math.max(quietAfter, Date.now() + waitMs);
  if (!tally.warned) {
    tally.warned = true;
    say("warning", undefined, RATE_LIMIT_WARNING);
  }
  // Only a process that met the rate limit changes how it answers a signal.
  listenForShutdown();
  armCalmTimer();
}
