/**
 * What to undo if a signal ends the run now. Writing the project and `git init`
 * register their undo while they work; cli/main.ts's signal handlers call
 * `undoOnInterrupt` before exiting, so an interruption leaves nothing half-done.
 */
let pending: (() => void) | undefined;

/** Runs `work`; if it throws, or a signal arrives meanwhile, `undo` runs (once). */
export async function undoable<T>(undo: () => void, work: () => Promise<T>): Promise<T> {
  pending = undo;
  try {
    return await work();
  } catch (error) {
    pending = undefined;
    undo();
    throw error;
  } finally {
    pending = undefined;
  }
}

export function undoOnInterrupt() {
  const undo = pending;
  pending = undefined;
  undo?.();
}
