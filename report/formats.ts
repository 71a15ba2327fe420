/** The three renderings of a report document. Pure: a document in, text out. */
import { stringify } from "csv-stringify/sync";
import type { AllowlistSummary, KeysSummary, ManagedBy, ReportDocument } from "./types";

export const FORMATS = ["table", "json", "csv"] as const;
export type ReportFormat = (typeof FORMATS)[number];

export function render(document: ReportDocument, format: ReportFormat): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(document, null, 2)}\n`;
    case "csv":
      return renderCsv(document);
    case "table":
      return renderTable(document);
  }
}

/** The CSV header: one column per scalar; lists are space-separated within their cell. */
export const CSV_COLUMNS = [
  "id",
  "email",
  "name",
  "status",
  "serviceUser",
  "apiEnabled",
  "acls",
  "manageUsers",
  "lastActivity",
  "anyIpv4",
  "anyIpv6",
  "subnets",
  "keyCount",
  "nextKeyExpiry",
  "managedBy",
  "findings",
] as const;

/** `<project>/<stack>:<resource>=<declared>`, `=listed` for a policy's allowed or exempt user. */
function managedByCell(entries: readonly ManagedBy[]): string {
  return entries
    .map((entry) => `${entry.stack}:${entry.resource}=${entry.declaredApiEnabled ?? "listed"}`)
    .join(" ");
}

function renderCsv(document: ReportDocument): string {
  const rows = document.users.map((user) => {
    // Empty cells: not read (the option was off) or not known.
    const row: Record<(typeof CSV_COLUMNS)[number], string | number | boolean> = {
      id: user.id,
      email: user.email,
      name: user.name,
      status: user.status ?? "",
      serviceUser: user.serviceUser,
      apiEnabled: user.apiEnabled,
      acls: user.acls.join(" "),
      manageUsers: user.manageUsers,
      lastActivity: user.lastActivity ?? "",
      anyIpv4: user.allowlist?.anyIpv4 ?? "",
      anyIpv6: user.allowlist?.anyIpv6 ?? "",
      subnets: user.allowlist?.subnets.join(" ") ?? "",
      keyCount: user.keys?.count ?? "",
      nextKeyExpiry: user.keys?.nextExpiry ?? "",
      managedBy: managedByCell(user.managedBy),
      findings: user.findings.join(" "),
    };
    return CSV_COLUMNS.map((column) => row[column]);
  });
  return stringify(rows, {
    header: true,
    columns: [...CSV_COLUMNS],
    // RFC 4180 ends records with CRLF.
    record_delimiter: "windows",
    cast: { boolean: (value) => String(value) },
  });
}

/** Readable at 100 columns: fixed columns, then the findings indented on the next line. */
const WIDTH = 100;
const COLUMNS = [
  { title: "USER", width: 30 },
  { title: "STATUS", width: 9 },
  { title: "API", width: 3 },
  { title: "ALLOWLIST", width: 18 },
  { title: "KEYS", width: 12 },
  { title: "MANAGED BY", width: 18 },
] as const;
const NOT_READ = "-";
const FINDINGS_INDENT = "    ! ";

function fit(value: string, width: number): string {
  return value.length <= width ? value.padEnd(width) : `${value.slice(0, width - 1)}…`;
}

function line(cells: readonly string[]): string {
  return cells
    .map((cell, index) => fit(cell, COLUMNS[index]?.width ?? cell.length))
    .join("  ")
    .trimEnd();
}

function allowlistCell(allowlist: AllowlistSummary | null): string {
  if (allowlist === null) return NOT_READ;
  const { anyIpv4, anyIpv6, subnets } = allowlist;
  const any = anyIpv4 && anyIpv6 ? "any" : anyIpv4 ? "any IPv4" : anyIpv6 ? "any IPv6" : "";
  if (any === "") {
    if (subnets.length === 0) return "none";
    return subnets.length === 1 ? (subnets[0] ?? "") : `${subnets.length} subnets`;
  }
  return subnets.length === 0 ? any : `${any} +${subnets.length}`;
}

function keysCell(keys: KeysSummary | null): string {
  if (keys === null) return NOT_READ;
  return keys.nextExpiry === null
    ? String(keys.count)
    : `${keys.count} ${keys.nextExpiry.slice(0, 10)}`;
}

function managedCell(entries: readonly ManagedBy[], stateGiven: boolean): string {
  if (!stateGiven) return NOT_READ;
  if (entries.length === 0) return "no";
  return entries
    .map((entry) =>
      entry.kind === "ApiAccessPolicy" ? `${entry.resource} (policy)` : entry.resource,
    )
    .join(",");
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

function renderTable(document: ReportDocument): string {
  const stateGiven = document.stacks.length > 0;
  const out: string[] = [
    `Vultr users at ${document.endpoint}, ${document.generatedAt}` +
      (stateGiven ? `; stacks: ${document.stacks.join(", ")}` : ""),
    "",
    line(COLUMNS.map((column) => column.title)),
  ];
  for (const user of document.users) {
    out.push(
      line([
        user.email,
        user.status ?? "?",
        user.apiEnabled ? "yes" : "no",
        allowlistCell(user.allowlist),
        keysCell(user.keys),
        managedCell(user.managedBy, stateGiven),
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
  return `${out.join("\n")}\n`;
}
