/**
 * The table: readable at 100 columns. A cell longer than its column wraps within it onto the
 * row's next lines (nothing is cut off); findings follow, indented; control characters in any
 * text are shown as escapes. Pure: a document in, text out.
 */
import { printable, wrap, wrapWords } from "./cells";
import type { AllowlistSummary, KeysSummary, ManagedBy, ReportDocument } from "./types";

const WIDTH = 100;
const COLUMNS = [
  { title: "USER", width: 28 },
  { title: "STATUS", width: 9 },
  { title: "API", width: 3 },
  { title: "ALLOWLIST", width: 18 },
  { title: "KEYS", width: 14 },
  { title: "MANAGED BY", width: 18 },
] as const;
const GAP = "  ";
const NOT_READ = "-";
const FINDINGS_INDENT = "    ! ";

/** One row: each cell a list of pieces, one per line; the row is as tall as its tallest cell. */
function rowLines(cells: readonly (readonly string[])[]): string[] {
  const height = Math.max(...cells.map((pieces) => pieces.length));
  const lines: string[] = [];
  for (let index = 0; index < height; index += 1) {
    const parts = cells.map((pieces, column) =>
      (pieces[index] ?? "").padEnd(COLUMNS[column]?.width ?? 0),
    );
    lines.push(parts.join(GAP).trimEnd());
  }
  return lines;
}

/** A cell's text, made printable and wrapped to its column. */
function cell(text: string, column: number): string[] {
  return wrap(printable(text), COLUMNS[column]?.width ?? WIDTH);
}

/** The first column's continuation lines are indented: only a new row starts at column 0. */
function userCell(email: string): string[] {
  const width = COLUMNS[0].width;
  const [first = "", ...rest] = wrap(printable(email), width);
  if (rest.length === 0) return [first];
  return [first, ...wrap(rest.join(""), width - 2).map((piece) => `  ${piece}`)];
}

function allowlistText(allowlist: AllowlistSummary | null): string {
  if (allowlist === null) return NOT_READ;
  const { anyIpv4, anyIpv6, subnets } = allowlist;
  const any = anyIpv4 && anyIpv6 ? "any" : anyIpv4 ? "any IPv4" : anyIpv6 ? "any IPv6" : "";
  if (any === "") {
    if (subnets.length === 0) return "none";
    return subnets.length === 1 ? (subnets[0] ?? "") : `${subnets.length} subnets`;
  }
  return subnets.length === 0 ? any : `${any} +${subnets.length}`;
}

/** `2`, `2 (1 expired)`, then the next expiry's date when a key still valid expires. */
function keysText(keys: KeysSummary | null): string {
  if (keys === null) return NOT_READ;
  const count = keys.expired > 0 ? `${keys.count} (${keys.expired} expired)` : `${keys.count}`;
  return keys.nextExpiry === null ? count : `${count} ${keys.nextExpiry.slice(0, 10)}`;
}

/** `<project>/<stack>:<resource>`, each on its own line(s), comma-separated. */
function managedCell(entries: readonly ManagedBy[], stateGiven: boolean, column: number) {
  if (!stateGiven) return [NOT_READ];
  if (entries.length === 0) return ["no"];
  return entries.flatMap((entry, index) => {
    const policy = entry.kind === "ApiAccessPolicy" ? " (policy)" : "";
    const comma = index < entries.length - 1 ? "," : "";
    return cell(`${entry.stack}:${entry.resource}${policy}${comma}`, column);
  });
}

/** Wraps the findings after the indent, breaking between codes. */
function findingsLines(codes: readonly string[]): string[] {
  const lines: string[] = [];
  let current = FINDINGS_INDENT;
  for (const [index, code] of codes.entries()) {
    const piece = index === codes.length - 1 ? code : `${code},`;
    if (current !== FINDINGS_INDENT && current.length + 1 + piece.length > WIDTH) {
      lines.push(current);
      current = " ".repeat(FINDINGS_INDENT.length);
    }
    current += current.trim() === "" || current.trim() === "!" ? piece : ` ${piece}`;
  }
  lines.push(current);
  return lines;
}

export function renderTable(document: ReportDocument): string {
  const stateGiven = document.stacks.length > 0;
  const heading =
    `Vultr users at ${document.endpoint}, ${document.generatedAt}` +
    (stateGiven ? `; stacks: ${document.stacks.join(", ")}` : "");
  const out: string[] = [
    ...wrapWords(printable(heading), WIDTH),
    "",
    ...rowLines(COLUMNS.map((column) => [column.title])),
  ];
  for (const user of document.users) {
    out.push(
      ...rowLines([
        userCell(user.email),
        cell(user.status ?? "?", 1),
        [user.apiEnabled ? "yes" : "no"],
        cell(allowlistText(user.allowlist), 3),
        cell(keysText(user.keys), 4),
        managedCell(user.managedBy, stateGiven, 5),
      ]),
    );
    if (user.findings.length > 0) out.push(...findingsLines(user.findings));
  }
  const { summary } = document;
  out.push("", `${summary.users} users, ${summary.apiEnabled} with API access`);
  const findings = Object.entries(summary.findings);
  if (findings.length === 0) out.push("no findings");
  for (const [code, count] of findings) out.push(`${code.padEnd(24)} ${count}`);
  out.push(`(${NOT_READ} = not read: see --allowlists, --keys, --state)`);
  for (const note of document.notes) out.push(...wrapWords(printable(`note: ${note}`), WIDTH));
  return `${out.join("\n")}\n`;
}
