/**
 * Process-wide provider state: one client, one pacer and one directory per provider process,
 * built lazily at the first handler that needs the API, from the stack config handed to
 * `configure` and the environment.
 */
import { AllowlistBook } from "./allowlists";
import { Pacer } from "./client/pacer";
import { VultrUsersClient } from "./client/users-client";
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

export function setConfig(source: ConfigSource | undefined): void {
  config = source;
  runtime = undefined;
}

/** The runtime, built on first use. Throws a clear error when the key is missing. */
export function getRuntime(): Runtime {
  if (runtime !== undefined) return runtime;
  const settings = resolveSettings(config, process.env);
  const client = new VultrUsersClient(settings, {
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
