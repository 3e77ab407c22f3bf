/** A caller's mistake in the generator's options: the CLI prints the message and exits with code 2. */
export class OptionsError extends Error {
  readonly code = "BAD_OPTIONS";
  constructor(message: string) {
    super(message);
    this.name = "OptionsError";
  }
}
