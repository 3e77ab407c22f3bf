/** Counts of a backfill run, as the progress line and the summary show them. */
export interface Counts {
  total: number;
  uploaded: number;
  skipped: number;
  failed: number;
  bytesTotal: number;
  /** Bytes uploaded or found already there (what the bar shows). */
  bytesDone: number;
  /** Bytes actually sent (what the throughput is). */
  bytesUploaded: number;
}

export function emptyCounts(total = 0, bytesTotal = 0): Counts {
  return { total, uploaded: 0, skipped: 0, failed: 0, bytesTotal, bytesDone: 0, bytesUploaded: 0 };
}

/**
 * A progress line: rewritten in place with `\r` on a terminal, a plain line every `everyMs` otherwise (CI logs,
 * a pipe), so both a person and a log reader see counts, bytes, rate and what is left.
 */
export class ProgressLine {
  private readonly started = Date.now();
  private lastPrint = 0;
  private lastLength = 0;
  /** Extra text after the counts (e.g. "waiting for Alpha Vantage's budget until 14:32"). */
  note = "";

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly counts: Counts,
    private readonly options: { label: string; everyMs: number },
  ) {}

  /** Call after any change; prints when it is time to. */
  tick(): void {
    const now = Date.now();
    const tty = this.out.isTTY === true;
    if (now - this.lastPrint < (tty ? 100 : this.options.everyMs)) return;
    this.print(now, tty);
  }

  /** Prints the final state (and ends the terminal line). */
  done(): void {
    const tty = this.out.isTTY === true;
    this.print(Date.now(), tty);
    if (tty) this.out.write("\n");
  }

  private print(now: number, tty: boolean): void {
    this.lastPrint = now;
    const line =
      formatProgress(this.options.label, this.counts, now - this.started) + (this.note ? ` · ${this.note}` : "");
    if (tty) {
      this.out.write(`\r${line.padEnd(this.lastLength)}`);
      this.lastLength = line.length;
    } else this.out.write(`${line}\n`);
  }
}

/** e.g. `backfill [########------------] 4,000/10,000 files · 1.2/3.0 MB · 3,900 uploaded, 100 skipped, 0 failed · 812 files/s · ETA 7 s`. */
export function formatProgress(label: string, c: Counts, elapsedMs: number): string {
  const done = c.uploaded + c.skipped + c.failed;
  const share = c.total === 0 ? 1 : done / c.total;
  const width = 20;
  const filled = Math.round(share * width);
  const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
  const seconds = Math.max(elapsedMs / 1000, 0.001);
  const rate = done / seconds;
  const eta = rate > 0 && done < c.total ? ` · ETA ${Math.ceil((c.total - done) / rate)} s` : "";
  return (
    `${label} ${bar} ${n(done)}/${n(c.total)} · ${mb(c.bytesDone)}/${mb(c.bytesTotal)} MB · ` +
    `${n(c.uploaded)} uploaded, ${n(c.skipped)} skipped, ${n(c.failed)} failed · ${n(Math.round(rate))}/s${eta}`
  );
}

const n = (value: number) => value.toLocaleString("en-US");
export const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
