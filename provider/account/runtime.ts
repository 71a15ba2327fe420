/**
 * Process-wide provider state: one client, one pacer and one directory per provider process,
 * built lazily at the first handler that needs the API, from the stack config handed to
 * `configure` and the environment.
 */
import { Pacer } from "../client/pacer";
import { VultrUsersClient, type ClientHooks } from "../client/users-client";
import { say, scrubKeyOf } from "../engine/messages";
import { noteRateLimited } from "../engine/rate-limit-notes";
import { resolveSettings, type ConfigSource, type ProviderSettings } from "../engine/settings";
import { AllowlistBook } from "./allowlist-book";
import { UserDirectory } from "./directory";
import { fleetSize } from "./fleet";

export interface Runtime {
  settings: ProviderSettings;
  client: VultrUsersClient;
  directory: UserDirectory;
  allowlists: AllowlistBook;
}

let config: ConfigSource | undefined;
let runtime: Runtime | undefined;
let pacer: Pacer | undefined;

/** The pacer every request of this process goes through, at the configured rate. */
export function processPacer(ratePerSecond: number): Pacer {
  if (pacer === undefined) pacer = new Pacer({ ratePerSecond });
  else if (pacer.ratePerSecond !== ratePerSecond) pacer.configure({ ratePerSecond });
  return pacer;
}

/** The settings a configuration decides; the same ones keep the runtime (and its snapshot). */
const CONFIG_KEYS = ["vultr:apiKey", "vultr:apiEndpoint", "vultr:maxRequestsPerSecond"] as const;

function sameSettings(a: ConfigSource | undefined, b: ConfigSource | undefined): boolean {
  return CONFIG_KEYS.every((key) => a?.get(key) === b?.get(key));
}

/**
 * The host calls `configure` once per serialized provider text, at its first use: for each of
 * UserApiAccess and ApiAccessPolicy, and again for state written by another provider version.
 * The same settings keep the runtime, so one command still pays one list read.
 */
export function setConfig(source: ConfigSource | undefined): void {
  if (runtime !== undefined && sameSettings(config, source)) return;
  config = source;
  runtime = undefined;
}

/**
 * The runtime, built on first use. Throws a clear error when the key is missing or the endpoint
 * is malformed. `hooks` are the client's listeners (the rate-limit notes), used when it is built.
 */
export function getRuntime(hooks: Omit<ClientHooks, "pacer"> = {}): Runtime {
  if (runtime !== undefined) return runtime;
  const settings = resolveSettings(config, process.env);
  const client = new VultrUsersClient(settings, {
    ...hooks,
    pacer: processPacer(settings.maxRequestsPerSecond),
  });
  runtime = {
    settings,
    client,
    directory: new UserDirectory(client),
    allowlists: new AllowlistBook(client),
  };
  return runtime;
}

/** The key, so that messages can be scrubbed of it as a last line of defence. */
export function currentApiKey(): string | undefined {
  return runtime?.settings.apiKey;
}

scrubKeyOf(currentApiKey);

const clientHooks = { onRateLimited: ({ waitMs }: { waitMs: number }) => noteRateLimited(waitMs) };

/** The runtime every handler reads and writes through, with the fleet size hint applied. */
export function account(): Runtime {
  const rt = getRuntime(clientHooks);
  // Said once per process: `say` says a warning once.
  for (const warning of rt.settings.warnings) say("warning", undefined, warning);
  const size = fleetSize();
  if (size !== undefined) rt.directory.expectLookups(size);
  return rt;
}
