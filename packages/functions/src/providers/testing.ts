// Test support for the provider clients (imported by tests only): virtual time and a logger that keeps its lines.
import type { Clock } from "./clock.js";
import type { ProviderLogger } from "./types.js";

/**
 * Virtual time: `sleep(ms)` moves the clock forward by `ms` (after yielding once, so concurrent sleepers wake in
 * due order) instead of waiting. A limiter that must wait for the next UTC day does so in microseconds.
 */
export class VirtualClock implements Clock {
  /** Every sleep asked for, in ms, in order. */
  readonly sleeps: number[] = [];

  constructor(private t: number) {}

  now(): number {
    return this.t;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.sleeps.push(ms);
    const due = this.t + Math.max(0, ms);
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.t = Math.max(this.t, due);
  }

  advance(ms: number): void {
    this.t += ms;
  }
}

/** A logger that keeps every line as the JSON a log shipper would see. */
export class RecordingLogger implements ProviderLogger {
  readonly lines: string[] = [];

  debug(message: string, ...extra: Record<string, unknown>[]): void {
    this.keep("DEBUG", message, Object.assign({}, ...extra));
  }
  info(message: string, ...extra: Record<string, unknown>[]): void {
    this.keep("INFO", message, Object.assign({}, ...extra));
  }
  warn(message: string, ...extra: Record<string, unknown>[]): void {
    this.keep("WARN", message, Object.assign({}, ...extra));
  }
  error(message: string, ...extra: Record<string, unknown>[]): void {
    this.keep("ERROR", message, Object.assign({}, ...extra));
  }

  /** Lines at a level. */
  at(level: "DEBUG" | "INFO" | "WARN" | "ERROR"): Record<string, unknown>[] {
    return this.lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.level === level);
  }

  private keep(level: string, message: string, extra?: Record<string, unknown>): void {
    this.lines.push(JSON.stringify({ level, message, ...extra }));
  }
}
