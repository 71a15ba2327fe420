/**
 * The benchmark's command line. Pure: argv in, options out (or a usage error).
 */

export interface BenchOptions {
  /** Names the output files: `latest` for the full run, `quick`, or `k<list>`. */
  name: string;
  ks: number[];
  latencyMs: number;
  rateLimitPerSecond: number;
  parallel: number;
  naiveMaxK: number;
  /** Run the allowlist scenarios (ours, `allowedIps`) only up to this k. */
  allowlistMaxK: number;
  /** T of the ApiAccessPolicy run; 0 skips it. */
  policyUsers: number;
  /** Users of the UserApiKey run (5 keys each, half of the users with one key due); 0 skips it. */
  keyUsers: number;
  /** Also run k = 100 through the real pulumi CLI. */
  cli: boolean;
  outDir: string;
  help: boolean;
}

export const FULL_KS = [10, 100, 1000];
export const QUICK_KS = [10, 100];

export const USAGE = `Usage: npm run bench -- [options]

  (no option)          k in {10, 100, 1000}, T = 2k, ours, the floor and the naive
                       baseline; then ours with allowedIps, and one ApiAccessPolicy over
                       T = 10,000, and 100 UserApiKeys over 20 users; writes
                       bench/results/latest.json, latest.md, wall-time.svg
  --quick              k in {10, 100} (a few minutes); writes quick.*
  --k <n>[,<n>...]     these k instead (repeatable); writes k<n>.*, e.g. --k 10000 (memory)
  --cli                also run k = 100 through the real pulumi CLI (needs scripts/ensure-pulumi.sh)
  --latency <ms>       emulator latency per request (default 50)
  --rate-limit <n>     emulator requests per second per address (default 30, Vultr's limit)
  --parallel <n>       steps in flight for create/update/read/delete (default 8)
  --naive-max-k <n>    run the naive baseline only up to this k (default 1000); the floor
                       runs at every k
  --allowlist-max-k <n>
                       run the allowlist scenarios (ours, allowedIps on every other
                       resource) only up to this k (default 1000)
  --policy-users <n>   T of the ApiAccessPolicy run, 1% of them violators (default 10000;
                       0 skips it)
  --key-users <n>      users of the UserApiKey run: 5 keys each, one key of half of them
                       due for rotation (default 20, so 100 keys and 10 due; 0 skips it)
  --out <dir>          where results go (default bench/results)
  --help               this text`;

export class UsageError extends Error {
  override readonly name = "UsageError" as const;
}

function count(flag: string, raw: string | undefined, min: number): number {
  const value = Number(raw);
  if (raw === undefined || !Number.isInteger(value) || value < min) {
    throw new UsageError(`${flag} takes a whole number ≥ ${min}, got ${raw ?? "nothing"}`);
  }
  return value;
}

export function parseOptions(argv: readonly string[], defaultOutDir: string): BenchOptions {
  let quick = false;
  const ks: number[] = [];
  const options: Omit<BenchOptions, "name" | "ks"> = {
    latencyMs: 50,
    rateLimitPerSecond: 30,
    parallel: 8,
    naiveMaxK: 1000,
    allowlistMaxK: 1000,
    policyUsers: 10_000,
    keyUsers: 20,
    cli: false,
    outDir: defaultOutDir,
    help: false,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? "";
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? arg.split("=", 2) : [arg];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case "--quick":
        quick = true;
        break;
      case "--k":
        for (const part of (value() ?? "").split(",")) ks.push(count("--k", part, 1));
        break;
      case "--cli":
        options.cli = true;
        break;
      case "--latency":
        options.latencyMs = count(flag, value(), 0);
        break;
      case "--rate-limit":
        options.rateLimitPerSecond = count(flag, value(), 0);
        break;
      case "--parallel":
        options.parallel = count(flag, value(), 1);
        break;
      case "--naive-max-k":
        options.naiveMaxK = count(flag, value(), 0);
        break;
      case "--allowlist-max-k":
        options.allowlistMaxK = count(flag, value(), 0);
        break;
      case "--policy-users":
        options.policyUsers = count(flag, value(), 0);
        break;
      case "--key-users":
        options.keyUsers = count(flag, value(), 0);
        break;
      case "--out":
        options.outDir = value() ?? "";
        if (options.outDir === "") throw new UsageError("--out takes a directory");
        break;
      case "--help":
      case "-h":
        options.help = true;
        break;
      default:
        throw new UsageError(`unknown option ${JSON.stringify(arg)}`);
    }
  }
  if (quick && ks.length > 0) throw new UsageError("--quick and --k choose k both; pick one");
  const chosen =
    ks.length > 0 ? [...new Set(ks)].sort((a, b) => a - b) : quick ? QUICK_KS : FULL_KS;
  const name = ks.length > 0 ? `k${chosen.join("-")}` : quick ? "quick" : "latest";
  return { ...options, name, ks: chosen };
}
