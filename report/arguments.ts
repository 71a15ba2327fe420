/** The command line of `vultr-api-access`, parsed with node:util's parseArgs, and its help. */
import { parseArgs } from "node:util";
import { FINDINGS, FINDING_CODES, isFindingCode, type FindingCode } from "./findings";
import { FORMATS, type ReportFormat } from "./formats";

/** Anything wrong with the command line or a `--state` file: exit 2, with the message. */
export class UsageError extends Error {
  override name = "UsageError" as const;
}

export interface ReportOptions {
  help: boolean;
  /** Undefined: chosen from `--out`'s extension or the terminal (see `chooseFormat`). */
  format: ReportFormat | undefined;
  allowlists: boolean;
  keys: boolean;
  stateFiles: string[];
  failOn: FindingCode[];
  out: string | undefined;
}

const NEEDS_FLAG = { allowlists: "--allowlists", keys: "--keys", state: "--state FILE" } as const;

const findingLines = FINDING_CODES.map((code) => {
  const { needs, when } = FINDINGS[code];
  const flag = needs === "account" ? "" : ` (with ${NEEDS_FLAG[needs]})`;
  return `  ${code.padEnd(25)} ${when}${flag}`;
});

export const HELP = `Usage: vultr-api-access report [options]

Reports every user of the Vultr account: API access, allowlist, keys, which Pulumi stacks
manage them, and findings. Reads VULTR_API_KEY (required), VULTR_API_ENDPOINT (default
https://api.vultr.com/v2) and VULTR_MAX_RPS (requests per second, default 20).

Options:
  --format table|json|csv  table on a terminal; otherwise json, or csv/json from --out's extension.
                           CSV cells that start with = + - @ tab, CR or ' get a leading ' so a
                           spreadsheet shows them as text; the table shows control characters
                           as escapes (\\x1b) and wraps long cells
  --allowlists             also read each API-enabled user's IP allowlist (one request each)
  --keys                   also read each API-enabled user's API keys (one request each):
                           a count, how many expired and the next expiry; in JSON also every
                           key in keys.items[] (id, name, hint "…3f9a2", dateExpire), with
                           --state madeBy: the UserApiKey that made it. The keys themselves
                           are never printed
  --state FILE             a \`pulumi stack export\` file; repeatable. Marks which users a
                           UserApiAccess or ApiAccessPolicy of the stack manages, and what it
                           declares. Stacks are named <project>/<stack>, from the resources' URNs.
                           A UserApiAccess declares its apiEnabled (and allowedIps); a policy
                           manages its allowed and exempt users (declaring nothing) and, when it
                           enforces, declares false for every other API-enabled user but the
                           admins it leaves alone (unless includeAdmins). Resources pending
                           deletion are ignored.
  --fail-on CODE[,CODE...] exit 3 when any of these findings is present (repeatable)
  --out FILE               write the report to FILE instead of stdout
  -h, --help               this text

Without --allowlists, allowedIps a --state file declares is not compared: the report says so
(a note on stderr and in the document's "notes").

Requests: one per 500 users for the list, plus one per API-enabled user for each of
--allowlists and --keys, paced at VULTR_MAX_RPS.

Findings:
${findingLines.join("\n")}

Exit codes: 0 report written (no --fail-on finding), 1 Vultr API failure, 2 usage error,
3 a --fail-on finding is present.
`;

function formatOf(value: string | undefined): ReportFormat | undefined {
  if (value === undefined) return undefined;
  if ((FORMATS as readonly string[]).includes(value)) return value as ReportFormat;
  throw new UsageError(
    `--format must be one of ${FORMATS.join(", ")}, got ${JSON.stringify(value)}`,
  );
}

function failOnOf(values: readonly string[]): FindingCode[] {
  const codes = values.flatMap((value) => value.split(",")).map((code) => code.trim());
  const unknown = codes.filter((code) => !isFindingCode(code));
  if (unknown.length > 0 || codes.length === 0) {
    throw new UsageError(
      `--fail-on: unknown finding ${unknown.map((code) => JSON.stringify(code)).join(", ")}; ` +
        `the findings are ${FINDING_CODES.join(", ")}`,
    );
  }
  return [...new Set(codes as FindingCode[])];
}

const OPTIONS = {
  format: { type: "string", value: "table|json|csv" },
  allowlists: { type: "boolean" },
  keys: { type: "boolean" },
  state: { type: "string", value: "FILE" },
  "fail-on": { type: "string", value: "CODE[,CODE...]" },
  out: { type: "string", value: "FILE" },
  help: { type: "boolean", short: "h" },
} as const;

const VALID = `the options are ${Object.keys(OPTIONS)
  .map((name) => `--${name}`)
  .join(", ")}`;

type OptionName = keyof typeof OPTIONS;
const isOptionName = (name: string): name is OptionName => Object.hasOwn(OPTIONS, name);

/**
 * Reads the options as tokens first, so that an unknown option, a value given to a switch or a
 * missing value is named in our words (node's own text talks about `--` and positionals).
 */
function checkOptions(argv: readonly string[]): void {
  const { tokens } = parseArgs({
    args: [...argv],
    options: OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    const { name, rawName, value, inlineValue } = token;
    if (!isOptionName(name)) throw new UsageError(`unknown option ${rawName}; ${VALID}`);
    const spec = OPTIONS[name];
    if (spec.type === "boolean" && value !== undefined) {
      throw new UsageError(`${rawName} takes no value, got ${rawName}=${value}; ${VALID}`);
    }
    // `--state --keys`: the next option is not a file name.
    const missing = value === undefined || (inlineValue !== true && value.startsWith("-"));
    if ("value" in spec && missing) {
      const got = value === undefined ? "" : ` (got the option ${value})`;
      throw new UsageError(`${rawName} needs a value: ${rawName} ${spec.value}${got}; ${VALID}`);
    }
  }
}

/** Parses `report [options]`; throws UsageError for anything it cannot use. */
export function parseArguments(argv: readonly string[]): ReportOptions {
  checkOptions(argv);
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: "string" },
        allowlists: { type: "boolean", default: false },
        keys: { type: "boolean", default: false },
        state: { type: "string", multiple: true, default: [] },
        "fail-on": { type: "string", multiple: true, default: [] },
        out: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const options: ReportOptions = {
    help: values.help,
    format: formatOf(values.format),
    allowlists: values.allowlists,
    keys: values.keys,
    stateFiles: values.state,
    failOn: values["fail-on"].length === 0 ? [] : failOnOf(values["fail-on"]),
    out: values.out,
  };
  if (options.help) return options;
  const [command, ...extra] = positionals;
  if (command !== "report") {
    throw new UsageError(
      command === undefined
        ? "no command: the command is `report`"
        : `unknown command ${JSON.stringify(command)}: the command is \`report\``,
    );
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  if (options.out !== undefined && options.out.trim() === "") {
    throw new UsageError("--out needs a file name");
  }
  if (options.stateFiles.some((file) => file.trim() === "")) {
    throw new UsageError("--state needs a file name");
  }
  // A gate on a finding that is never checked could never fail: refuse it.
  for (const code of options.failOn) {
    const needs = FINDINGS[code].needs;
    const given =
      needs === "account" ||
      (needs === "allowlists" && options.allowlists) ||
      (needs === "keys" && options.keys) ||
      (needs === "state" && options.stateFiles.length > 0);
    if (!given) {
      throw new UsageError(
        `--fail-on ${code} needs ${NEEDS_FLAG[needs]}: ` +
          "without it the finding is never checked, so the gate could not fail",
      );
    }
  }
  return options;
}

/** An explicit --format wins; then --out's extension; then table on a terminal, json elsewhere. */
export function chooseFormat(options: ReportOptions, stdoutIsTerminal: boolean): ReportFormat {
  if (options.format !== undefined) return options.format;
  if (options.out !== undefined) {
    const lower = options.out.toLowerCase();
    if (lower.endsWith(".csv")) return "csv";
    if (lower.endsWith(".json")) return "json";
    return "table";
  }
  return stdoutIsTerminal ? "table" : "json";
}
