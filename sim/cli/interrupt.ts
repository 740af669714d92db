/**
 * Ctrl-C or SIGTERM during a long command (run, sweep, compare, attack): the directory stays
 * (partial, docs/architecture.md#run-directories) and the message says how to finish it. The process
 * then ends by the same signal, so a shell or a supervisor sees what happened rather than an exit 0.
 */

export interface Interrupt {
  /** Whether a signal arrived: a failure that follows is the interrupt, not an error to report. */
  readonly interrupted: boolean;
  /** Stops listening (the command finished on its own). */
  dispose(): void;
}

export interface InterruptOptions {
  /** Called first: stop the progress bar so the message lands on a clean line. */
  stop(): void;
  /** The line that says what is kept and how to resume. */
  message(): string;
  /** Stops the workers; waited on at most `closeWaitMs`, so a stuck worker cannot hold the exit. */
  close?: () => Promise<unknown>;
  closeWaitMs?: number;
}

export function onInterrupt(o: InterruptOptions): Interrupt {
  let interrupted = false;
  const dispose = () => {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  };
  function onSignal(sig: NodeJS.Signals): void {
    if (interrupted) return;
    interrupted = true;
    o.stop();
    process.stderr.write(`\n${o.message()}\n`);
    const closing = o.close ? Promise.race([o.close(), new Promise((r) => setTimeout(r, o.closeWaitMs ?? 3000))]).catch(() => undefined) : Promise.resolve();
    void closing.finally(() => {
      dispose();
      process.kill(process.pid, sig);
    });
  }
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    get interrupted() {
      return interrupted;
    },
    dispose,
  };
}
