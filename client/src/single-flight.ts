/**
 * Wraps `task` so concurrent calls share one run: while it is in flight every caller gets the same promise; once
 * it settles (either way) the next call starts a new run. Failures are not cached.
 */
interface SingleFlight<T> {
  run(): Promise<T>;
  /** Resolves when the run in flight (if any) has settled, whatever its outcome. */
  idle(): Promise<void>;
}

const singleFlight = <T>(task: () => Promise<T>): SingleFlight<T> => {
  let inFlight: Promise<T> | undefined;
  const done = () => {
    inFlight = undefined;
  };
  return {
    run() {
      if (inFlight === undefined) {
        // Promise.prototype.finally is ES2018; the mini program build targets ES2017.
        const started = Promise.resolve().then(task);
        inFlight = started.then(
          (value) => {
            done();
            return value;
          },
          (error: unknown) => {
            done();
            throw error;
          }
        );
      }
      return inFlight;
    },
    idle() {
      return inFlight === undefined ? Promise.resolve() : inFlight.then(noop, noop);
    },
  };
};

const noop = (): void => undefined;

export type { SingleFlight };
export { singleFlight };
