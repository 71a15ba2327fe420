import type { EmulatorOptions } from "./types";

export const USAGE = `Usage: vultr-users-emulator [options]

Runs an emulator of the Vultr API v2 users endpoints until SIGINT or SIGTERM.
Prints the API base URL (ending in /v2) as its first line, then the control URL.

Options:
  --port N      port to listen on; 0 picks a free one (default 0)
  --host H      address to bind (default 127.0.0.1; the control plane has no auth)
  --key KEY     the account owner's API key (default: a random key, printed once)
  --users N     generate N realistic users (default 0)
  --seed S      seed for the generated users, for repeatable runs
  --latency MS  added to every API answer (default 0)
  --rps N       requests per second before 429s; 0 = unlimited (default 30)
  --help        show this text
`;

export type CliCommand =
  | { kind: "run"; options: EmulatorOptions }
  | { kind: "help" }
  | { kind: "invalid"; problem: string };

type NumericFlag = "--port" | "--users" | "--seed" | "--latency" | "--rps";

const NUMERIC_FLAGS: Record<
  NumericFlag,
  { max: number; set: (o: EmulatorOptions, n: number) => void }
> = {
  "--port": { max: 65535, set: (o, n) => (o.port = n) },
  "--users": { max: 1_000_000, set: (o, n) => (o.users = n) },
  "--seed": { max: 2 ** 32 - 1, set: (o, n) => (o.seed = n) },
  "--latency": { max: 600_000, set: (o, n) => (o.latencyMs = n) },
  "--rps": { max: 1_000_000, set: (o, n) => (o.rateLimitPerSecond = n) },
};

/** Reads `--flag value` and `--flag=value` forms; anything else is a usage error. */
export function parseCliArguments(args: readonly string[]): CliCommand {
  const options: EmulatorOptions = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--help" || arg === "-h") return { kind: "help" };
    const [flag = "", inlineValue] =
      arg.startsWith("--") && arg.includes("=") ? splitOnce(arg) : [arg];
    const value = inlineValue ?? args[++i];
    if (value === undefined || (inlineValue === undefined && value.startsWith("--"))) {
      return known(flag) ? invalid(`${flag} needs a value.`) : invalid(`Unknown option: ${flag}`);
    }
    if (flag === "--key") {
      if (value === "") return invalid("--key must not be empty.");
      options.ownerKey = value;
    } else if (flag === "--host") {
      if (value === "") return invalid("--host must not be empty.");
      options.host = value;
    } else if (isNumericFlag(flag)) {
      const { max, set } = NUMERIC_FLAGS[flag];
      const number = /^\d+$/.test(value) ? Number(value) : NaN;
      if (!(number <= max)) return invalid(`${flag} must be a whole number from 0 to ${max}.`);
      set(options, number);
    } else {
      return invalid(`Unknown option: ${flag}`);
    }
  }
  return { kind: "run", options };
}

function splitOnce(arg: string): [string, string] {
  const at = arg.indexOf("=");
  return [arg.slice(0, at), arg.slice(at + 1)];
}

function known(flag: string): boolean {
  return flag === "--key" || flag === "--host" || isNumericFlag(flag);
}

function isNumericFlag(flag: string): flag is NumericFlag {
  return Object.hasOwn(NUMERIC_FLAGS, flag);
}

function invalid(problem: string): CliCommand {
  return { kind: "invalid", problem };
}
