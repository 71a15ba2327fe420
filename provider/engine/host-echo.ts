/**
 * The dynamic-provider host prints `${error}: ${error.stack}` to stderr when a Check, Diff, Read
 * or Delete fails, and the engine shows the host's output under the stack. An explained failure
 * (ExpectedFailure: no stack) so showed twice more on the Stack row and in its Diagnostics,
 * ending in ": ", besides on its resource, where the engine puts the step's error. This drops
 * exactly that echo of the failures the handlers throw, and nothing else.
 *
 * NOT A DOCUMENTED CONTRACT: the format is @pulumi/pulumi/cmd/dynamic-provider/index.js (3.248).
 * A host that prints anything else matches nothing, and everything is printed as before.
 */
const expected = new Set<string>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  const print = console.error.bind(console);
  console.error = (...args: unknown[]): void => {
    if (args.length === 1 && typeof args[0] === "string" && expected.delete(args[0])) return;
    print(...args);
  };
}

/**
 * `failure` is about to reach the host: its echo is expected now. The host prints it in the same
 * run of microtasks in which the rejection reaches it, so an echo that has not come by the next
 * macrotask never will (Create and Update answer without printing).
 */
export function expectEcho(failure: Error): void {
  install();
  const echo = `${String(failure)}: ${failure.stack ?? ""}`;
  expected.add(echo);
  setImmediate(() => expected.delete(echo));
}
