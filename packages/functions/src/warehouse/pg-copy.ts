import type pg from "pg";

/** The slice of pg's connection a COPY needs (its protocol methods; pg has no public COPY API). */
interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/** How many bytes go into one CopyData message. */
const CHUNK_BYTES = 1 << 20;

/**
 * `COPY … FROM STDIN` on a pg client, as a "submittable" (the hook pg gives libraries such as pg-copy-streams):
 * pg sends the statement, calls `handleCopyInResponse` when the server is ready for data, and routes the
 * outcome to `handleError` or `handleCommandComplete` + `handleReadyForQuery`.
 */
class CopyFrom {
  private error: Error | undefined;
  private settled = false;

  constructor(
    private readonly sql: string,
    private readonly data: Uint8Array,
    private readonly done: (error?: Error) => void,
  ) {}

  submit(connection: CopyConnection): void {
    connection.query(this.sql);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    const bytes = Buffer.from(this.data.buffer, this.data.byteOffset, this.data.byteLength);
    for (let at = 0; at < bytes.length; at += CHUNK_BYTES) {
      connection.sendCopyFromChunk(bytes.subarray(at, at + CHUNK_BYTES));
    }
    connection.endCopyFrom();
  }

  handleCommandComplete(): void {}

  // pg clears its active query on an error, so ReadyForQuery never reaches us: settle here.
  handleError(error: Error): void {
    this.error = error;
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

  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    this.done(this.error);
  }
}

/** Runs a `COPY … FROM STDIN` statement on one pg client, sending `data` (in the format the statement names). */
export function copyFrom(client: pg.PoolClient, sql: string, data: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const copy = new CopyFrom(sql, data, (error) => (error ? reject(error) : resolve()));
    (client as unknown as { query(submittable: CopyFrom): void }).query(copy);
  });
}
