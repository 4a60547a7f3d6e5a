/** A failure the user can act on. Only cli.ts turns it into an exit code. */
export class CreateError extends Error {
  constructor(
    message: string,
    /** 1: the input or environment is wrong; 2: a build or tool step failed. */
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = "CreateError";
  }
}

