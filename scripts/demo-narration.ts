/** What `npm run demo` prints between pulumi's own output, shared by its two parts. */

/**
 * The number of steps of the whole demo: 6 for examples/basic, 6 for examples/exclusive, 6 for
 * examples/key-rotation.
 */
export const DEMO_STEPS = 18;

/** A failed step: the message says what went wrong; pulumi's output is already on screen. */
export class DemoStepFailed extends Error {
  override readonly name = "DemoStepFailed" as const;
}

export function say(...lines: string[]): void {
  process.stdout.write(`${lines.join("\n")}\n`);
}

export function step(number: number, title: string, ...explanation: string[]): void {
  say(
    "",
    `==> Step ${number} of ${DEMO_STEPS}: ${title}`,
    ...explanation.map((line) => `    ${line}`),
    "",
  );
}
