/** A failure the user can act on. Only cli/main.ts turns it into an exit code. */
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

const FS_REASONS: Record<string, string> = {
  ENOSPC: "no space left on the device",
  EDQUOT: "the disk quota is exceeded",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "the file system is read-only",
  ENAMETOOLONG: "the path is too long",
  EMFILE: "too many open files",
  EXDEV:
    "a folder on the way is on another file system (a mount point), and a file cannot be moved across file systems in one step, as writing all or nothing needs",
};

/** What an errno code means, in words; undefined for codes not listed. */
export const fsReason = (code: string): string | undefined => FS_REASONS[code];

/** A file-system error (one with an errno code) as a message for the user, exit 1: the environment; other errors as they are. */
export function explainFsError(error: unknown, doing: string): unknown {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (!code || error instanceof CreateError) return error;
  const reason = FS_REASONS[code] ?? (error as Error).message.replace(/^[A-Z]+: /, "");
  return new CreateError(`${doing} failed: ${reason} (${code}); nothing was written`);
}
