import { once } from "node:events";
import type { Writable } from "node:stream";
import type pg from "pg";

/** The slice of pg's connection a COPY needs (its protocol methods and socket; pg has no public COPY API). */
interface CopyConnection {
  query(text: string): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
  stream: Writable;
}

/** How many bytes go into one CopyData message at most. */
const CHUNK_BYTES = 1 << 20;
/** Bytes queued in the socket beyond which the producer waits: bounds memory, keeps the server fed. */
const MAX_BUFFERED_BYTES = 16 << 20;

/**
 * `COPY … FROM STDIN` on a pg client, as a "submittable" (the hook pg gives libraries such as pg-copy-streams):
 * pg sends the statement, calls `handleCopyInResponse` when the server is ready for data, and routes the
 * outcome to `handleError` or `handleCommandComplete` + `handleReadyForQuery`.
 *
 * The chunks are pulled as the socket drains, so the server parses one chunk while the next is being produced
 * (the merge decodes Parquet into them) and memory holds a few chunks, never the whole stage.
 */
class CopyFrom {
  private error: Error | undefined;
  private settled = false;
  private readonly stop = new AbortController();

  constructor(
    private readonly sql: string,
    private readonly chunks: AsyncIterable<Uint8Array>,
    private readonly done: (error?: Error) => void,
  ) {}

  submit(connection: CopyConnection): void {
    connection.query(this.sql);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    void this.pump(connection);
  }

  handleCommandComplete(): void {}

  // pg clears its active query on an error, so ReadyForQuery never reaches us: settle here.
  handleError(error: Error): void {
    this.error ??= error;
    this.settle();
  }

  handleReadyForQuery(): void {
    this.settle();
  }

  // The other protocol callbacks pg may make on an active query; a COPY gets none of them.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handlePortalSuspended(): void {}
  handleEmptyQuery(): void {}
  handleCopyData(): void {}

  private async pump(connection: CopyConnection): Promise<void> {
    const socket = connection.stream;
    try {
      for await (const chunk of this.chunks) {
        if (this.settled) return; // the server refused the data already: stop producing it
        for (let at = 0; at < chunk.byteLength; at += CHUNK_BYTES) {
          const part = chunk.subarray(at, at + CHUNK_BYTES);
          // A CopyData message ('d', length, bytes), written as-is: pg's serializer would copy every chunk.
          const head = Buffer.allocUnsafe(5);
          head[0] = 0x64;
          head.writeInt32BE(4 + part.byteLength, 1);
          socket.write(head);
          socket.write(part);
        }
        // Produce the next chunk while this one is still on its way (the kernel takes several MB on loopback):
        // waiting for every chunk to drain first would leave the server idle while the next one is made. One turn
        // of the event loop first lets the socket take what it can before the producer holds the thread again.
        await new Promise((resolve) => setImmediate(resolve));
        while (socket.writableLength > MAX_BUFFERED_BYTES) await once(socket, "drain", { signal: this.stop.signal });
      }
      if (!this.settled) connection.endCopyFrom();
    } catch (error) {
      if (this.settled) return; // the copy ended (error or closed socket) while waiting to write
      // The rows could not be produced (e.g. a bad file): end the COPY with CopyFail, so the server rolls the
      // statement back and answers with an error, and report the producer's error rather than the server's.
      this.error = error instanceof Error ? error : new Error(String(error));
      connection.sendCopyFail(this.error.message.slice(0, 500));
    }
  }

  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    this.stop.abort();
    this.done(this.error);
  }
}

/** Runs a `COPY … FROM STDIN` statement on one pg client, streaming `chunks` (in the format the statement names). */
export function copyFrom(client: pg.PoolClient, sql: string, chunks: AsyncIterable<Uint8Array>): Promise<void> {
  return new Promise((resolve, reject) => {
    const copy = new CopyFrom(sql, chunks, (error) => (error ? reject(error) : resolve()));
    (client as unknown as { query(submittable: CopyFrom): void }).query(copy);
  });
}
