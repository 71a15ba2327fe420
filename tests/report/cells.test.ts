/** The cell rules of the CSV and the table, over plain strings. */
import { neutraliseFormula, printable, wrap, wrapWords } from "../../report/cells";

describe("neutraliseFormula (OWASP CSV injection)", () => {
  it.each(["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", " =1", "  -1", "'quoted"])(
    "prefixes %j with a single quote",
    (cell) => {
      expect(neutraliseFormula(cell)).toBe(`'${cell}`);
    },
  );

  it.each(["", "ci@example.com", "CI Deploy", "2026-01-01T00:00:00Z", "a=b", "1", "true", " x"])(
    "leaves %j as it is",
    (cell) => {
      expect(neutraliseFormula(cell)).toBe(cell);
    },
  );

  it("is undone by removing one leading quote from any cell that has one", () => {
    for (const value of ["=1", "'=1", "''", "'", "plain"]) {
      const cell = neutraliseFormula(value);
      expect(cell.startsWith("'") ? cell.slice(1) : cell).toBe(value);
    }
  });
});

describe("printable", () => {
  it("writes control characters as escapes and leaves other text alone", () => {
    expect(printable("a\x1b[2Jb\x07\n\r\t\x7f\x9b\u202e\u2066é✓")).toBe(
      "a\\x1b[2Jb\\x07\\n\\r\\t\\x7f\\x9b\\u202e\\u2066é✓",
    );
  });
});

describe("wrap", () => {
  it("splits at a separator in the second half, else at the width, and loses nothing", () => {
    expect(wrap("deploy.pipeline@build.example.com", 18)).toStrictEqual([
      "deploy.pipeline@",
      "build.example.com",
    ]);
    expect(wrap("abcdefghijkl", 5)).toStrictEqual(["abcde", "fghij", "kl"]);
    expect(wrap("short", 18)).toStrictEqual(["short"]);
    expect(wrap("😀😀😀", 2)).toStrictEqual(["😀😀", "😀"]);
  });

  it("wraps prose at spaces with an indent", () => {
    expect(wrapWords("one two three four", 9)).toStrictEqual(["one two", "  three", "  four"]);
  });
});
