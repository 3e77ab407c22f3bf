/** A job run every `everyMs` (0: only when asked), one run at a time: the offline stand-in for a CronV2. */
export interface SerialSchedule<T> {
  /** One run now, after any run in progress. */
  run(): Promise<T>;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/** Runs `job` every `everyMs`; a failed timed run goes to `onError` (a run asked for rejects to its caller). */
export function startSerialSchedule<T>(
  job: () => Promise<T>,
  everyMs: number,
  onError: (error: unknown) => void,
): SerialSchedule<T> {
  let running: Promise<unknown> = Promise.resolve();
  const run = (): Promise<T> => {
    const next = running.then(job);
    running = next.catch(() => undefined);
    return next;
  };
  const timer = everyMs > 0 ? setInterval(() => run().catch(onError), everyMs) : undefined;
  return {
    run,
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
