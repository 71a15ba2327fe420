/**
 * Text from the account or a stack export as each format may carry it. Names, emails and
 * resource names are whatever someone typed: a spreadsheet must not run them as formulas, and a
 * terminal must not obey them as control sequences. Pure.
 */

/**
 * OWASP's CSV-injection rule: a cell starting with `=`, `+`, `-`, `@`, tab or carriage return
 * (also after leading spaces, which some spreadsheets skip) is read as a formula, so it gets a
 * leading `'`. A cell that already starts with `'` gets one too, so that removing one leading
 * `'` from any cell that has it always gives back the value.
 */
const FORMULA_START = /^(?:[=+\-@\t\r']|\s+[=+\-@])/;

export function neutraliseFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** C0 and C1 controls, DEL, and the BiDi marks and overrides that reorder what is shown. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** The text with every control character written as an escape (`\x1b`, `\n`, `\u202e`). */
export function printable(text: string): string {
  return text.replace(CONTROL, (char) => {
    const named = NAMED[char];
    if (named !== undefined) return named;
    const code = char.codePointAt(0) ?? 0;
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/** Where a long cell may break: after these, in its second half. Otherwise at the width. */
const BREAK_AFTER = new Set(["@", ".", "/", ":", ",", "-", "_", " "]);

/**
 * Splits a cell into pieces of at most `width` characters, preferring a break after one of
 * BREAK_AFTER; joining the pieces gives the text back (a piece ending in a space shows
 * without it). Nothing is cut off.
 */
export function wrap(text: string, width: number): string[] {
  const chars = Array.from(text);
  const pieces: string[] = [];
  let start = 0;
  while (chars.length - start > width) {
    let cut = start + width;
    for (let index = start + width - 1; index >= start + Math.floor(width / 2); index -= 1) {
      if (BREAK_AFTER.has(chars[index] ?? "")) {
        cut = index + 1;
        break;
      }
    }
    pieces.push(chars.slice(start, cut).join(""));
    start = cut;
  }
  pieces.push(chars.slice(start).join(""));
  return pieces;
}

/** Prose wrapped at spaces to `width`, continuation lines indented by `indent`. */
export function wrapWords(text: string, width: number, indent = "  "): string[] {
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(" ")) {
    const prefix = lines.length === 0 ? "" : indent;
    const candidate = current === "" ? `${prefix}${word}` : `${current} ${word}`;
    if (current !== "" && candidate.length > width) {
      lines.push(current);
      current = `${indent}${word}`;
    } else {
      current = candidate;
    }
  }
  lines.push(current);
  // A single word longer than the width still breaks, at the width.
  return lines.flatMap((line) => (line.length <= width ? [line] : wrap(line, width)));
}
