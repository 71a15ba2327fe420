/**
 * `npm run bench`: the fleet benchmark. Our provider, the floor (a provider that does nothing)
 * and the naive baseline, each through the real dynamic-provider host, against one emulator;
 * results to bench/results/. See bench/README.md.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator } from "../emulator";
import { DEFAULT_MAX_RPS } from "../provider/engine/settings";
import { keyShim, policyShim, providerShim } from "../sdk/provider-shim";
import { serializeProvider } from "../tests/support/provider-host";
import { checkAllowlistTargets, type AllowlistScenarioResult } from "./allowlist-results";
import { runAllowlistFleet } from "./allowlist-scenarios";
import { runCli } from "./cli-run";
import { findProjectRoot } from "../scripts/project-root";
import { prepareHostDirectory } from "./fleet";
import { compareWithFloor, comparisonLine, RSS_TARGET, RSS_TARGET_K } from "./floor-comparison";
import { FloorUserApiKeyProvider } from "./floor-key-provider";
import { FloorUserApiAccessProvider } from "./floor-provider";
import { checkKeyTargets, type KeyScenarioResult } from "./key-results";
import { runKeys } from "./key-scenarios";
import { NaiveUserApiAccessProvider } from "./naive-provider";
import { parseOptions, USAGE, UsageError, type BenchOptions } from "./options";
import { checkPolicyTargets, type PolicyScenarioResult } from "./policy-results";
import { runPolicy } from "./policy-scenarios";
import { allowlistLine, keyLine, policyLine } from "./report-access";
import { renderMarkdown, scenarioLine } from "./report-markdown";
import { renderWallTimeChart } from "./report-svg";
import {
  checkTargets,
  type BenchReport,
  type CliRun,
  type ProviderKind,
  type RunSettings,
  type ScenarioResult,
  type TargetCheck,
} from "./results";
import { runFleet } from "./scenarios";

/** T = 2k: the account holds twice the users the program declares. */
const USERS_PER_RESOURCE = 2;
const CLI_K = 100;
/** The UserApiKey run: 5 keys per user (20 users make k = 100). */
const KEYS_PER_USER = 5;

async function main(): Promise<void> {
  const root = findProjectRoot(__dirname);
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2), path.join(root, "bench", "results"));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (options.help) {
    console.log(USAGE);
    return;
  }

  const started = Date.now();
  const loadAtStart = os.loadavg();
  const settings: RunSettings = {
    mode: options.name,
    ks: options.ks,
    latencyMs: options.latencyMs,
    rateLimitPerSecond: options.rateLimitPerSecond,
    parallel: options.parallel,
    pacerRatePerSecond: DEFAULT_MAX_RPS,
    naiveMaxK: options.naiveMaxK,
    allowlistMaxK: options.allowlistMaxK,
    policyUsers: options.policyUsers,
    keyUsers: options.keyUsers,
  };
  const providerTexts: Record<ProviderKind, string> = {
    ours: await serializeProvider(providerShim),
    naive: await serializeProvider(new NaiveUserApiAccessProvider()),
    floor: await serializeProvider(new FloorUserApiAccessProvider()),
  };
  const emulator = await startEmulator({
    latencyMs: options.latencyMs,
    rateLimitPerSecond: options.rateLimitPerSecond,
  });
  const hostDirectory = await prepareHostDirectory(root);
  const results: ScenarioResult[] = [];
  const allowlists: AllowlistScenarioResult[] = [];
  let policy: PolicyScenarioResult[] = [];
  let keys: KeyScenarioResult[] = [];
  let cli: CliRun | undefined;
  try {
    for (const k of options.ks) {
      // The floor right before ours, so that both see the machine in about the same state.
      const providers: ProviderKind[] =
        k <= options.naiveMaxK ? ["floor", "ours", "naive"] : ["floor", "ours"];
      for (const provider of providers) {
        results.push(
          ...(await runFleet({
            emulator,
            hostDirectory: hostDirectory.path,
            provider,
            providerText: providerTexts[provider],
            k,
            users: USERS_PER_RESOURCE * k,
            parallel: options.parallel,
            rateLimitPerSecond: options.rateLimitPerSecond,
            onScenario: (result) => {
              console.error(scenarioLine(result));
              const [floor] = compareWithFloor([...results, result]).filter(
                (c) => result.provider === "ours" && c.k === k && c.scenario === result.scenario,
              );
              if (floor !== undefined) console.error(`  ${comparisonLine(floor)}`);
            },
          })),
        );
      }
    }
    for (const k of options.ks.filter((k) => k <= options.allowlistMaxK)) {
      allowlists.push(
        ...(await runAllowlistFleet({
          emulator,
          hostDirectory: hostDirectory.path,
          providerText: providerTexts.ours,
          k,
          users: USERS_PER_RESOURCE * k,
          parallel: options.parallel,
          onScenario: (result) => console.error(allowlistLine(result)),
        })),
      );
    }
    if (options.policyUsers > 0) {
      policy = await runPolicy({
        emulator,
        hostDirectory: hostDirectory.path,
        providerText: await serializeProvider(policyShim),
        users: options.policyUsers,
        parallel: options.parallel,
        onScenario: (result) => console.error(policyLine(result)),
      });
    }
    if (options.keyUsers > 0) {
      keys = await runKeys({
        emulator,
        hostDirectory: hostDirectory.path,
        providerTexts: {
          ours: await serializeProvider(keyShim),
          floor: await serializeProvider(new FloorUserApiKeyProvider()),
        },
        users: options.keyUsers,
        keysPerUser: KEYS_PER_USER,
        due: Math.floor(options.keyUsers / 2),
        parallel: options.parallel,
        onScenario: (result, sofar) => console.error(keyLine(result, sofar)),
      });
    }
    if (options.cli) {
      cli = await runCli({
        root,
        emulator,
        k: CLI_K,
        users: USERS_PER_RESOURCE * CLI_K,
        onOperation: (line) => console.error(line),
      });
    }
  } finally {
    await emulator.close();
    await hostDirectory.remove();
  }

  const report: BenchReport = {
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    environment: {
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      cpus: os.cpus().length,
      pulumiSdk: pulumiSdkVersion(),
      loadAverage: { start: loadAtStart, end: os.loadavg() },
    },
    settings,
    results,
    floor: compareWithFloor(results),
    ...(cli === undefined ? {} : { cli }),
    allowlists,
    policy,
    keys,
    targets: [
      ...withMemoryRun(checkTargets(results, settings, cli), options),
      ...checkAllowlistTargets(allowlists),
      ...checkPolicyTargets(policy),
      ...checkKeyTargets(keys),
    ],
  };
  await writeReport(report, options);
  for (const comparison of report.floor) console.log(comparisonLine(comparison));
  for (const check of report.targets) {
    console.log(`${check.status.padEnd(12)} ${check.target}: ${check.detail}`);
  }
  console.log(`bench: ${(report.durationMs / 1000).toFixed(1)} s; results in ${options.outDir}`);
}

async function writeReport(report: BenchReport, options: BenchOptions): Promise<void> {
  await mkdir(options.outDir, { recursive: true });
  const base = path.join(options.outDir, options.name);
  // A chart against k needs more than one k (the memory run has one).
  const chartName =
    new Set(report.results.map((r) => r.k)).size < 2
      ? undefined
      : options.name === "latest"
        ? "wall-time.svg"
        : `${options.name}-wall-time.svg`;
  await writeFile(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(`${base}.md`, renderMarkdown(report, chartName));
  if (chartName !== undefined) {
    await writeFile(path.join(options.outDir, chartName), renderWallTimeChart(report));
  }
}

/**
 * The memory target is measured by a separate run (`--k 10000`, minutes long); the full run's
 * report shows that run's verdict when its results are next to it.
 */
function withMemoryRun(targets: TargetCheck[], options: BenchOptions): TargetCheck[] {
  const file = path.join(options.outDir, `k${RSS_TARGET_K}.json`);
  if (options.ks.includes(RSS_TARGET_K) || !existsSync(file)) return targets;
  const memoryRun = JSON.parse(readFileSync(file, "utf8")) as BenchReport;
  const measured = memoryRun.targets.find((t) => t.target === RSS_TARGET);
  if (measured === undefined || measured.status === "not measured") return targets;
  return targets.map((t) =>
    t.target === RSS_TARGET
      ? {
          ...measured,
          detail: `${measured.detail} (k${RSS_TARGET_K}.json, ${memoryRun.startedAt})`,
        }
      : t,
  );
}

function pulumiSdkVersion(): string {
  const manifest = require.resolve("@pulumi/pulumi/package.json");
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
