/** A control-plane call the emulator cannot carry out as asked (answered 400 over HTTP). */
export class EmulatorInputError extends Error {
  override readonly name = "EmulatorInputError" as const;
}

/** A control-plane call about a user the account does not have (answered 404 over HTTP). */
export class UnknownUserError extends Error {
  override readonly name = "UnknownUserError" as const;

  constructor(readonly userId: string) {
    super(`No user with id ${JSON.stringify(userId)}.`);
  }
}
