/**
 * Process-wide provider state: one client, one pacer and one directory per provider process,
 * built lazily at the first handler that needs the API, from the stack config handed to
 * `configure` and the environment.
 */
import { AllowlistBook } from "./allowlists";
import { Pacer } from "./client/pacer";
import { VultrUsersClient, type ClientHooks } from "./client/users-client";
import { UserDirectory } from "./directory";
import { resolveSettings, type ConfigSource, type ProviderSettings } from "./settings";

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
