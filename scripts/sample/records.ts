// Turns a file job into the records a renderer prints: simulated bars, in file order (newest first for Alpha
// Vantage), with the planned defects applied. Regenerated on every call, so a lazily written file needs no memory
// beyond one chunk (Alpha Vantage files excepted: newest-first means holding the bars once to reverse them).
import { DAY_MS } from "@market-data/core/calendar";
import { applyDefect, type Cells, emitWithDefects, type PlannedDefect, type Shifts, shiftsFor } from "./defects.ts";
import { FORMAT_INFO, type RenderContext } from "./formats.ts";
import { generateBars } from "./gbm.ts";
import type { FileJob } from "./jobs.ts";
import { barStart, barsPerSession, tradeDateOf } from "./sessions.ts";

/** The file's records in file order with the planned defects applied. */
export function* recordsOf(job: FileJob, plan: ReadonlyMap<number, PlannedDefect>, seed: number): Generator<Cells> {
  const adjusted = job.format === "csv-yahoo";
  function* clean(): Generator<Cells> {
    for (const { spec, sessions, take } of job.segments) {
      for (const bar of generateBars(spec, sessions, job.interval, seed, take)) {
        yield {
          symbol: spec.symbol,
          assetClass: spec.assetClass,
          currency: spec.currency,
          ts: bar.ts,
          tradeDate: bar.tradeDate,
          open: bar.open,
          high: bar.high,
          low: bar.low,
          close: bar.close,
          // Yahoo's Adj Close column always has a value: the close itself where nothing is adjusted.
          adjClose: bar.adjClose ?? (adjusted ? bar.close : null),
          volume: bar.volume,
          dividend: bar.dividend,
        };
      }
    }
  }
  const ordered = FORMAT_INFO[job.format].newestFirst ? [...clean()].reverse() : clean();
  const shifts = shiftsOf(job);
  for (const e of emitWithDefects(ordered, plan)) {
    if (!e.defect) yield e.item;
    else {
      const { assetClass } = e.item;
      yield applyDefect(e.item, e.defect, e.copy, shifts, (ms) => tradeDateOf(assetClass, job.interval, ms));
    }
  }
}

function shiftsOf(job: FileJob): Shifts {
  const first = Math.min(...job.segments.map((s) => s.sessions[0] ?? 0));
  const last = Math.max(...job.segments.map((s) => s.sessions[s.sessions.length - 1] ?? 0));
  return shiftsFor(first * DAY_MS, (last + 1) * DAY_MS);
}

export function renderContext(job: FileJob): RenderContext {
  const seg = job.segments[0];
  let lastRefreshed = 0;
  if (seg) {
    // The newest clean bar: bar number take−1 of the segment, found by session and position in the session.
    const per = barsPerSession(seg.spec.assetClass, job.interval);
    const lastIndex = seg.take - 1;
    const day = seg.sessions[Math.floor(lastIndex / per)] ?? 0;
    lastRefreshed = barStart(seg.spec.assetClass, job.interval, day, lastIndex % per);
  }
  return {
    format: job.format,
    interval: job.interval,
    symbol: seg?.spec.symbol ?? "",
    lastRefreshed,
    records: job.segments.reduce((n, s) => n + s.take, 0),
    windows: job.windows,
  };
}
