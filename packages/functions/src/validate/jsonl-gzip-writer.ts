import { once } from "node:events";
import { createGzip, constants as zlibConstants } from "node:zlib";
import type { ByteSink, ObjectStore } from "@market-data/core";

/** Lines are written as bytes into chunks of this size, and each full chunk goes to gzip in one write. */
const CHUNK_BYTES = 1 << 20;
/**
 * gzip's output buffer: ~10x smaller than the input at level 1, so one output slice per input chunk (each slice
 * is one round trip to the thread pool; the default 16 KiB made ~7 per chunk).
 */
const OUTPUT_CHUNK_BYTES = 256 * 1024;

/**
 * Streams JSON lines into a gzip object in the store while they are produced, so a million-row object never
 * sits in memory. Level 1: the outputs are read once by Spark and the speed matters more than 10 % of size.
 * (On one core gzip is the largest single cost of the validate path: ~1 s of CPU for the ~370 MB of curated
 * lines of a 1M-row object. Other window and memory levels were measured and are no faster.)
 *
 * It is a {@link ByteSink}: encoders write lines straight into `bytes` (see `CuratedLineEncoder`); `writeLine`
 * takes a string. After either, `await flush()` when `mustFlush` is set (keeps the hot loop free of awaits).
 */
export class JsonlGzipWriter implements ByteSink {
  readonly key: string;
  bytes: Buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  pos = 0;
  private readonly gzip = createGzip({ level: zlibConstants.Z_BEST_SPEED, chunkSize: OUTPUT_CHUNK_BYTES });
  private readonly upload: Promise<void>;
  private uploadError: unknown;
  /** Set while gzip holds more input than it wants: settles on its next 'drain'. */
  private drain: Promise<unknown> | undefined;
  /** Chunks gzip has finished with, ready to be filled again. */
  private readonly free: Buffer[] = [];

  constructor(objects: ObjectStore, key: string) {
    this.key = key;
    this.upload = objects.put(key, this.gzip, { contentType: "application/gzip" });
    this.upload.catch((error: unknown) => {
      this.uploadError = error;
    });
  }

  /** gzip holds enough unprocessed input: the caller should `await flush()` before writing more. */
  get mustFlush(): boolean {
    return this.drain !== undefined;
  }

  /** Makes room for `n` more bytes: a chunk that cannot take them goes to gzip, and a new one replaces it. */
  reserve(n: number): void {
    if (this.bytes.length - this.pos >= n) return;
    this.handOff();
    if (n > this.bytes.length) this.bytes = Buffer.allocUnsafe(n);
  }

  /** Appends one line (a newline is added). */
  writeLine(line: string): void {
    this.reserve(line.length * 3 + 1); // UTF-8 takes at most 3 bytes per UTF-16 unit
    const pos = this.pos + this.bytes.write(line, this.pos, "utf8");
    this.bytes[pos] = 10;
    this.pos = pos + 1;
  }

  /** Ends the object and waits until the store has it. */
  async close(): Promise<void> {
    this.handOff();
    await this.flush();
    this.gzip.end();
    await this.upload;
  }

  /** Gives up on the object (the store keeps nothing partial: puts are atomic). */
  abort(): void {
    this.gzip.destroy();
  }

  /** Waits until gzip has taken what it was given (backpressure); throws if the upload failed. */
  async flush(): Promise<void> {
    if (this.uploadError !== undefined) throw this.uploadError;
    if (this.drain === undefined) return;
    // If the upload dies while we wait for room, its error ends the wait instead of a hang.
    await Promise.race([this.drain, this.upload]);
    this.drain = undefined;
    if (this.uploadError !== undefined) throw this.uploadError;
  }

  /**
   * Gives the filled part of the chunk to gzip and starts the next chunk in a free one. gzip keeps a chunk until it
   * has taken it in (zlib copies its input into its own window); then the chunk is free again, so a writer cycles
   * through two or three chunks instead of allocating one per MiB (hundreds of MiB of short-lived buffers, which
   * V8 counts as external memory when it decides to collect).
   */
  private handOff(): void {
    if (this.pos === 0) return;
    const chunk = this.bytes;
    const filled = chunk.subarray(0, this.pos);
    this.bytes = this.free.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES);
    this.pos = 0;
    const written = this.gzip.write(filled, (error) => {
      if (error == null && chunk.length === CHUNK_BYTES && this.free.length < 2) this.free.push(chunk);
    });
    if (!written && this.drain === undefined) {
      // Listen now: the caller may wait on another writer first, and a 'drain' missed would be a hang.
      this.drain = once(this.gzip, "drain");
      this.drain.catch(() => {}); // a gzip error reaches the caller through the upload
    }
  }
}
