/**
 * An error the user can fix in the experiment file or its data: carries the JSON pointer of the
 * field at fault so the CLI can name it and the editor can underline it. Anything else thrown by
 * the engine is a bug or a fault (out of memory, a crashing module) and is reported as such.
 */
export class SpecError extends Error {
  constructor(
    /** JSON pointer, e.g. `/data/csv`; '' for the whole file. */
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'SpecError';
  }
}
