/**
 * `npm run bench:report`: the cost of `vultr-api-access report --allowlists` on a large account.
 * T = 10,000 users, a tenth of them API-enabled, the emulator at 50 ms per answer and Vultr's 30
 * requests/second limit, the command at its default pacing (VULTR_MAX_RPS unset). Measures the
 * requests by route, the 429s and the wall time of the built command, run as a user runs it;
 * writes bench/results/report.md. Not part of `npm test`.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator } from "../emulator";
import { DEFAULT_MAX_RPS } from "../provider/engine/settings";
import { findProjectRoot } from "../scripts/project-root";

const USERS = 10_000;
/** Every tenth user keeps API access. */
const API_ENABLED_EVERY = 10;
const LATENCY_MS = 50;
const RATE_LIMIT_PER_SECOND = 30;
const PAGE = 500;

interface Run {
  code: number | null;
  stderr: string;
  wallMs: number;
}

function runReport(cli: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const started = performance.now();
  const child = spawn(process.execPath, [cli, ...args], {
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr, wallMs: performance.now() - started }));
  });
}

async function main(): Promise<void> {
  const root = findProjectRoot(__dirname);
  const cli = path.join(root, "dist", "report", "cli.js");
  const emulator = await startEmulator({
    latencyMs: LATENCY_MS,
    rateLimitPerSecond: RATE_LIMIT_PER_SECOND,
  });
  const scratch = await mkdtemp(path.join(os.tmpdir(), "report-bench-"));
  try {
    emulator.seedUsers(USERS, 2026).forEach((user, index) => {
      emulator.setUser(user.id, { api_enabled: index % API_ENABLED_EVERY === 0 });
    });
    const apiEnabled = emulator.listUsers().filter((user) => user.api_enabled).length;
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith("VULTR_")),
    );
    const out = path.join(scratch, "report.json");
    emulator.clearRequestLog();
    console.log(`report --allowlists over ${USERS} users (${apiEnabled} API-enabled)…`);
    const run = await runReport(cli, ["report", "--allowlists", "--format", "json", "--out", out], {
      ...env,
      VULTR_API_KEY: emulator.ownerKey,
      VULTR_API_ENDPOINT: emulator.baseUrl,
    });
    if (run.code !== 0) throw new Error(`the report exited with ${run.code}: ${run.stderr}`);
    const document = JSON.parse(await readFile(out, "utf8")) as { users: unknown[] };
    const counters = emulator.counters();
    const pages = Math.ceil(USERS / PAGE);
    const budget = pages + apiEnabled;
    const seconds = run.wallMs / 1000;
    // The pacer lets its burst (a quarter of the rate) start at once, then one request per interval.
    const burst = Math.max(1, Math.floor(DEFAULT_MAX_RPS / 4));
    const floorSeconds = Math.max(0, counters.total - burst) / DEFAULT_MAX_RPS;
    const routes = Object.entries(counters.byRoute)
      .map(([route, count]) => `| \`${route}\` | ${count} |`)
      .join("\n");
    const markdown = `# Report benchmark

${new Date().toISOString()}; Node ${process.version}, ${os.cpus().length} CPUs. \`vultr-api-access report --allowlists --format json --out …\`, the built command as a child process, against the emulator: ${LATENCY_MS} ms latency, ${RATE_LIMIT_PER_SECOND} requests/s limit. T = ${USERS} users, ${apiEnabled} API-enabled; the command paces at its default ${DEFAULT_MAX_RPS}/s (VULTR_MAX_RPS unset), 8 reads in flight at most.

| measure | value |
|---|---:|
| users in the report | ${document.users.length} |
| API requests | ${counters.total} |
| budget ⌈T/500⌉ + API-enabled users | ${pages} + ${apiEnabled} = ${budget} ${counters.total <= budget ? "✓" : "✗"} |
| 429s | ${counters.rateLimited} |
| wall time (s) | ${seconds.toFixed(1)} |
| requests per second | ${(counters.total / seconds).toFixed(1)} |
| pacing floor: requests ÷ ${DEFAULT_MAX_RPS}/s (s) | ${floorSeconds.toFixed(1)} |

| route | requests |
|---|---:|
${routes}

The wall time is the pacer's: ${counters.total} requests at ${DEFAULT_MAX_RPS}/s take at least ${floorSeconds.toFixed(1)} s (the first burst aside), whatever the latency. Raise VULTR_MAX_RPS (below Vultr's 30/s) to go faster; without \`--allowlists\` the same report costs ${pages} requests.
`;
    const resultsDir = path.join(root, "bench", "results");
    await writeFile(path.join(resultsDir, "report.md"), markdown);
    console.log(markdown);
    if (counters.total > budget || counters.rateLimited > 0) process.exitCode = 1;
  } finally {
    await emulator.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
