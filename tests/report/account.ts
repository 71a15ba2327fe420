/**
 * The report suites' account: one named user per finding (dates relative to now), an API-disabled
 * bystander, and generated users so the list takes two pages. Plus a way to run the built
 * command as a child process against it.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { startEmulator, type RunningEmulator, type SeedUser } from "../../emulator";
import { findProjectRoot } from "../../scripts/project-root";

export const PROJECT_ROOT = findProjectRoot(__dirname);
export const REPORT_CLI = path.join(PROJECT_ROOT, "dist/report/cli.js");

const DAY = 24 * 60 * 60 * 1000;
export const daysFromNow = (days: number) => new Date(Date.now() + days * DAY).toISOString();

/** A range Vultr accepts: public, no host bits. */
export const OFFICE = { subnet: "185.199.108.0", subnet_size: 22 };
export const OFFICE_RANGE = "185.199.108.0/22";

const recent = {
  status: "active",
  last_activity: daysFromNow(-1),
  ip_whitelist: [OFFICE],
} satisfies Partial<SeedUser>;

/** Named users, each set up to raise exactly the finding in its comment (none for ci-bot). */
export const USERS = {
  ciBot: { id: "c1b07000-0000-4000-8000-000000000001", email: "ci@example.com", name: "CI Deploy", api_enabled: true, acls: ["provisioning"], ...recent }, // clean
  open: { id: "c1b07000-0000-4000-8000-000000000002", email: "open@example.com", name: "Olga Ivanova", api_enabled: true, status: "active", last_activity: daysFromNow(-2) }, // api-open-to-any-ip (default allowlist)
  admin: { id: "c1b07000-0000-4000-8000-000000000003", email: "root@example.com", name: "Ravi Iyer", api_enabled: true, acls: ["manage_users", "billing"], ...recent }, // admin-with-api
  keyless: { id: "c1b07000-0000-4000-8000-000000000004", email: "keyless@example.com", name: "Kenji Tanaka", api_enabled: true, ...recent }, // api-without-key
  expiring: { id: "c1b07000-0000-4000-8000-000000000005", email: "expiring@example.com", name: "Emma Brown", api_enabled: true, ...recent }, // key-expiring
  dormant: { id: "c1b07000-0000-4000-8000-000000000006", email: "dormant@example.com", name: "Diego Silva", api_enabled: true, ...recent, last_activity: daysFromNow(-120) }, // inactive-with-api
  suspended: { id: "c1b07000-0000-4000-8000-000000000007", email: "suspended@example.com", name: "Sofia Rossi", api_enabled: true, ...recent, status: "suspended" }, // api-on-inactive-account
  bystander: { id: "c1b07000-0000-4000-8000-000000000008", email: "bystander@example.com", name: 'O\'Brien, "Bob"', api_enabled: false, acls: ["manage_users"], status: "active", last_activity: "" }, // none: API disabled
  drifted: { id: "c1b07000-0000-4000-8000-000000000009", email: "drifted@example.com", name: "Dana Cohen", api_enabled: true, ...recent }, // drift (the stack declares false)
  twice: { id: "c1b07000-0000-4000-8000-00000000000a", email: "twice@example.com", name: "Tom Novak", api_enabled: true, ...recent }, // managed-twice
} satisfies Record<string, SeedUser>; // prettier-ignore

/** Each named user's findings with --allowlists --keys --state STACK_EXPORT. */
export const EXPECTED_FINDINGS: Record<keyof typeof USERS, string[]> = {
  ciBot: [],
  open: ["api-open-to-any-ip", "unmanaged-api-access"],
  admin: ["admin-with-api", "unmanaged-api-access"],
  keyless: ["api-without-key", "unmanaged-api-access"],
  expiring: ["key-expiring", "unmanaged-api-access"],
  dormant: ["inactive-with-api", "unmanaged-api-access"],
  suspended: ["api-on-inactive-account", "unmanaged-api-access"],
  bystander: [],
  drifted: ["drift"],
  twice: ["managed-twice"],
};

/** Generated users beside the named ones: more than one page of 500. */
export const GENERATED_USERS = 520;

const ACCESS = "pulumi-nodejs:dynamic/vultr:UserApiAccess";
const urn = (stack: string, name: string) => `urn:pulumi:${stack}::team::${ACCESS}::${name}`;

function accessResource(stack: string, name: string, user: { id: string; email: string }, apiEnabled: boolean) {
  return {
    urn: urn(stack, name),
    custom: true,
    id: user.id,
    type: ACCESS,
    inputs: { email: user.email, apiEnabled },
    outputs: { userId: user.id, email: user.email, apiEnabled: true },
  };
} // prettier-ignore

/** A stack export in the shape `pulumi stack export` writes (the e2e suite uses a real one). */
export const STACK_EXPORT = {
  version: 3,
  deployment: {
    manifest: { time: "2026-01-01T00:00:00Z", magic: "", version: "v3.274.1" },
    resources: [
      { urn: "urn:pulumi:prod::team::pulumi:pulumi:Stack::team-prod", custom: false, type: "pulumi:pulumi:Stack" },
      accessResource("prod", "ci-bot", USERS.ciBot, true),
      { ...accessResource("prod", "ci-bot-allowlist", USERS.ciBot, true), delete: true },
      accessResource("prod", "drifted", USERS.drifted, false),
      accessResource("prod", "twice-a", USERS.twice, true),
      accessResource("prod", "twice-b", USERS.twice, true),
    ],
  },
}; // prettier-ignore

export async function startReportAccount(): Promise<RunningEmulator> {
  if (!existsSync(REPORT_CLI)) {
    throw new Error(`${REPORT_CLI} is missing: run \`npm run build\` before the report suites`);
  }
  const emulator = await startEmulator({ rateLimitPerSecond: 0 });
  seedReportAccount(emulator);
  return emulator;
}

export function seedReportAccount(emulator: RunningEmulator): void {
  emulator.seedUsers(Object.values(USERS));
  // A tenth of the generated users keep API access, as in the benchmark: enough per-user reads
  // to count, few enough to keep the suite quick.
  emulator.seedUsers(GENERATED_USERS, 11).forEach((user, index) => {
    if (index % 10 !== 0) emulator.setUser(user.id, { api_enabled: false });
  });
  for (const key of emulator.listApiKeys(USERS.keyless.id)) {
    emulator.removeApiKey(USERS.keyless.id, key.id);
  }
  emulator.addApiKey(USERS.expiring.id, { name: "rotating", date_expire: daysFromNow(10) });
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/report/cli.js <args>` against the emulator; never rejects on an exit code. */
export function runReport(
  emulator: RunningEmulator,
  args: readonly string[],
  env: Record<string, string | undefined> = {},
): Promise<RunResult> {
  const childEnv: NodeJS.ProcessEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("VULTR_"))),
    VULTR_API_KEY: emulator.ownerKey,
    VULTR_API_ENDPOINT: emulator.baseUrl,
    VULTR_MAX_RPS: "1000",
    VULTR_RETRY_BASE_MS: "5",
    ...env,
  };
  for (const [name, value] of Object.entries(childEnv)) if (value === undefined) delete childEnv[name];
  // Asynchronous: the emulator answers from this process's event loop.
  const child = spawn(process.execPath, [REPORT_CLI, ...args], { env: childEnv });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
} // prettier-ignore

/**
 * The pieces of one cell of a table row: the row's line, then its continuation lines (a long
 * cell wraps within its column), up to the next row or the row's findings.
 */
export function tableCell(lines: readonly string[], row: number, title: string): string[] {
  const header = lines.find((line) => line.startsWith("USER ")) ?? "";
  const starts = [...header.matchAll(/\S+(?: \S+)*/g)].map((match) => match.index);
  const column = starts.findIndex((start) => header.startsWith(title, start));
  if (column < 0) throw new Error(`the table has no column ${title}`);
  const start = starts[column] ?? 0;
  const end = starts[column + 1] ?? Infinity;
  const pieces: string[] = [];
  for (let index = row; index < lines.length; index += 1) {
    const line = lines[index] ?? "";
    if (index > row && (!line.startsWith(" ") || /^\s+! /.test(line))) break;
    const piece = line.slice(start, end).trim();
    if (piece !== "") pieces.push(piece);
  }
  return pieces;
}
