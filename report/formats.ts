/** The three renderings of a report document. Pure: a document in, text out. */
import { stringify } from "csv-stringify/sync";
import { neutraliseFormula } from "./cells";
import { renderTable } from "./table";
import type { ManagedBy, ReportDocument } from "./types";

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
  "expiredKeyCount",
] as const;

/** `<project>/<stack>:<resource>=<declared>`, `=listed` for a policy's allowed or exempt user. */
function managedByCell(entries: readonly ManagedBy[]): string {
  return entries
    .map((entry) => `${entry.stack}:${entry.resource}=${entry.declaredApiEnabled ?? "listed"}`)
    .join(" ");
}

/**
 * One row per user. Every cell is text, and a cell a spreadsheet would run as a formula starts
 * with `'` (see neutraliseFormula): the CSV is made to be opened by people.
 */
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
      expiredKeyCount: user.keys?.expired ?? "",
    };
    return CSV_COLUMNS.map((column) => neutraliseFormula(String(row[column])));
  });
  return stringify(rows, {
    header: true,
    columns: [...CSV_COLUMNS],
    // RFC 4180 ends records with CRLF.
    record_delimiter: "windows",
  });
}
