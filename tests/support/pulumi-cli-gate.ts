import { ensurePulumiCli, type PulumiCli } from "../../scripts/pulumi-cli";
import { findProjectRoot } from "../../scripts/project-root";

/**
 * Declares an end-to-end suite that needs the pulumi CLI, found (or built) by
 * scripts/ensure-pulumi.sh. Without a CLI, CI (`CI=true`) fails with the reason; anywhere else
 * the suite is skipped with a loud message.
 */
export function describeWithPulumiCli(name: string, suite: (cli: () => PulumiCli) => void): void {
  const lookup = ensurePulumiCli(findProjectRoot(__dirname), "capture");
  if (lookup.found) {
    describe(name, () => suite(() => lookup.cli));
    return;
  }
  if (process.env.CI === "true") {
    it(`${name}: finds the pulumi CLI, because CI runs the end-to-end suite`, () => {
      throw new Error(
        `scripts/ensure-pulumi.sh could not provide the pulumi CLI: ${lookup.reason}`,
      );
    });
    return;
  }
  console.warn(
    [
      "",
      `!!! SKIPPING "${name}": scripts/ensure-pulumi.sh found no pulumi CLI and could not build one.`,
      `!!! ${lookup.reason.replace(/\n/g, "\n!!! ")}`,
      "!!! In CI (CI=true) this fails the run instead.",
      "",
    ].join("\n"),
  );
  describe.skip(name, () =>
    suite(() => {
      throw new Error("unreachable: the suite is skipped");
    }),
  );
}
