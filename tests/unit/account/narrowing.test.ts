/**
 * What counts as narrowing the allowlist of the running key's own user (issue 16, bug 4): any
 * entry removed from the live list whose addresses no entry that stays admits. Pure.
 */
import { formatEntry, parseEntry, type AllowlistEntry } from "../../../provider/allowlist";
import { narrowedBy } from "../../../provider/account/key-ownership";

function entries(...texts: string[]): AllowlistEntry[] {
  return texts.map((text) => {
    const parsed = parseEntry(text);
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.entry;
  });
}

const narrowed = (target: string[], live: string[]) =>
  narrowedBy(entries(...target), entries(...live)).map(formatEntry);

describe("narrowing", () => {
  it("replacing 'any' by a range removes both 'any' entries", () => {
    expect(narrowed(["45.76.0.0/16"], ["0.0.0.0/0", "::/0"])).toStrictEqual(["0.0.0.0/0", "::/0"]);
  });
  it("adding entries only narrows nothing", () => {
    expect(narrowed(["0.0.0.0/0", "::/0", "45.76.0.0/16"], ["0.0.0.0/0", "::/0"])).toStrictEqual(
      [],
    );
    expect(narrowed(["45.76.0.0/16"], [])).toStrictEqual([]);
  });
  it("removing an entry a kept or added wider one contains narrows nothing", () => {
    expect(narrowed(["0.0.0.0/0"], ["0.0.0.0/0", "8.8.8.0/24"])).toStrictEqual([]);
    expect(narrowed(["45.76.0.0/16"], ["45.76.12.0/24"])).toStrictEqual([]);
    expect(narrowed(["2606:4700::/32"], ["2606:4700:10::/48"])).toStrictEqual([]);
  });
  it("a wider entry of the other family, or a narrower one, does not contain it", () => {
    expect(narrowed(["0.0.0.0/0"], ["0.0.0.0/0", "::/0"])).toStrictEqual(["::/0"]);
    expect(narrowed(["45.76.12.0/24"], ["45.76.0.0/16"])).toStrictEqual(["45.76.0.0/16"]);
    expect(narrowed(["8.8.8.0/24"], ["8.8.4.0/24"])).toStrictEqual(["8.8.4.0/24"]);
  });
});
