import { isAscii } from "node:buffer";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import type { FileReject } from "@market-data/core";

/** Bytes of decoded text gathered before format detection (the parsers look at the head only). */
export const DETECTION_HEAD_CHARS = 64 * 1024;

/** Most bytes decoded into one text. */
const TEXT_CHUNK_BYTES = 64 * 1024;

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/** A data problem met while decoding, carried as a file-level rejection rather than an infrastructure fault. */
export class UndecodableObjectError extends Error {
  readonly reject: FileReject;
  constructor(reason: string) {
    super(reason);
    this.name = "UndecodableObjectError";
    this.reject = { ok: false, rule: "file.decodable", reason };
  }
}

/**
 * Decodes a raw object's bytes into text chunks: gunzip when the magic bytes say so (or the name ends in .gz),
 * strict UTF-8 (a BOM is left for the parser to drop). Undecodable input ends the iteration with an
 * `UndecodableObjectError`; store errors pass through unchanged so they are retried as infrastructure faults.
 */
export async function* decodeText(body: AsyncIterable<Uint8Array>, key: string): AsyncGenerator<string> {
  const iterator = body[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  const head = first.value;
  const gzipped = (head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1) || /\.gz$/i.test(key);
  const rest: AsyncIterable<Uint8Array> = {
    async *[Symbol.asyncIterator]() {
      yield head;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    },
  };
  const bytes = gzipped ? gunzip(rest) : rest;
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  // While every chunk has been ASCII (market data almost always is), a chunk is its own text: copying its bytes
  // into a one-byte string is ~4x faster than the strict decoder. The decoder takes over from the first chunk
  // that is not ASCII, having seen nothing before it, so it holds no partial character from an earlier chunk.
  let ascii = true;
  try {
    for await (const chunk of bytes) {
      // Texts of at most TEXT_CHUNK_BYTES whatever the store's chunk size: the parsers walk each text several
      // times, and a text that stays in the CPU's cache is read ~10 % faster than one four times its size.
      for (let at = 0; at < chunk.byteLength; at += TEXT_CHUNK_BYTES) {
        const part = chunk.byteLength <= TEXT_CHUNK_BYTES ? chunk : chunk.subarray(at, at + TEXT_CHUNK_BYTES);
        let text: string;
        if (ascii && isAscii(part)) {
          text = Buffer.from(part.buffer, part.byteOffset, part.byteLength).toString("latin1");
        } else {
          ascii = false;
          try {
            text = decoder.decode(part, { stream: true });
          } catch {
            throw new UndecodableObjectError("the object is not UTF-8 text (binary data, or another encoding)");
          }
        }
        if (text.length > 0) yield text;
      }
    }
    let tail: string;
    try {
      tail = decoder.decode();
    } catch {
      throw new UndecodableObjectError("the object ends in the middle of a UTF-8 character (truncated?)");
    }
    if (tail.length > 0) yield tail;
  } finally {
    // A reader that stops early (a file-level reject) must still release the object's stream / file handle.
    await iterator.return?.();
  }
}

async function* gunzip(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const input = Readable.from(source, { objectMode: false });
  const inflater = createGunzip();
  // A store failure on the input must surface as itself (retryable), not as a gzip error.
  let sourceError: unknown;
  input.on("error", (error) => {
    sourceError = error;
    inflater.destroy(error);
  });
  input.pipe(inflater);
  try {
    for await (const chunk of inflater) yield chunk as Uint8Array;
  } catch (error) {
    if (sourceError !== undefined) throw sourceError;
    const message = error instanceof Error ? error.message : String(error);
    throw new UndecodableObjectError(`the object is not valid gzip (${message})`);
  }
}

/** Collects decoded text until the detection head is long enough, then yields it first and the rest after. */
export async function splitHead(
  chunks: AsyncGenerator<string>,
): Promise<{ head: string; rest: AsyncGenerator<string> }> {
  let head = "";
  while (head.length < DETECTION_HEAD_CHARS) {
    const next = await chunks.next();
    if (next.done) break;
    head += next.value;
  }
  return { head, rest: chunks };
}
