import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { normalizeEtag } from "@market-data/core/ids";
import type { ObjectInfo, ObjectStore } from "@market-data/core/ports";
import { etagsOfBytes, etagsOfFile } from "./etag.ts";
import type { LocalFile } from "./files.ts";
import type { Counts, ProgressLine } from "./progress.ts";

/** Files up to this size are read once into memory (hash and body); larger ones stream, twice when compared. */
const IN_MEMORY_BYTES = 8 * 1024 * 1024;

export interface FileResult {
  file: LocalFile;
  status: "uploaded" | "skipped" | "failed" | "planned";
  error?: string;
}

export interface UploadOptions {
  store: ObjectStore;
  /** What the destination already holds under the planned keys. */
  existing: ReadonlyMap<string, ObjectInfo>;
  concurrency: number;
  counts: Counts;
  progress: ProgressLine;
  /** Aborted: start nothing new, let what is in flight finish. */
  signal: AbortSignal;
  dryRun: boolean;
}

/**
 * Uploads files, `concurrency` at a time, skipping each one the destination already holds with the same size and
 * MD5 / ETag (so a rerun after an interrupt uploads only what is missing). A failed file is counted and reported,
 * never the end of the run.
 */
export async function uploadFiles(files: readonly LocalFile[], options: UploadOptions): Promise<FileResult[]> {
  const results: FileResult[] = [];
  let next = 0;
  const worker = async () => {
    while (!options.signal.aborted && next < files.length) {
      const file = files[next++] as LocalFile;
      const result = await uploadOne(file, options).catch(
        (error: unknown): FileResult => ({ file, status: "failed", error: errorText(error) }),
      );
      results.push(result);
      // A dry run counts what it would upload as uploaded: the line reads "(dry run)".
      if (result.status === "uploaded" || result.status === "planned") options.counts.uploaded++;
      else if (result.status === "skipped") options.counts.skipped++;
      else options.counts.failed++;
      options.progress.tick();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, files.length)) }, worker));
  return results;
}

async function uploadOne(file: LocalFile, options: UploadOptions): Promise<FileResult> {
  const { counts, progress } = options;
  const have = options.existing.get(file.key);
  const small = file.size <= IN_MEMORY_BYTES;
  let bytes: Uint8Array | undefined;
  if (have !== undefined && have.size === file.size) {
    if (small) bytes = await readFile(file.path);
    const etags = bytes ? etagsOfBytes(bytes) : await etagsOfFile(file.path);
    if (etags.has(normalizeEtag(have.etag))) {
      counts.bytesDone += file.size;
      return { file, status: "skipped" };
    }
  }
  if (options.dryRun) {
    counts.bytesDone += file.size;
    return { file, status: "planned" };
  }
  if (small) {
    bytes ??= await readFile(file.path);
    await options.store.put(file.key, bytes, { contentType: contentTypeOf(file.key) });
    counts.bytesDone += file.size;
    counts.bytesUploaded += file.size;
    return { file, status: "uploaded" };
  }
  // Large: streamed (a multipart upload to S3), bytes counted as they go so the progress line moves.
  let sent = 0;
  const counted = async function* () {
    for await (const chunk of createReadStream(file.path, { highWaterMark: 1 << 20 })) {
      const buffer = chunk as Buffer;
      sent += buffer.length;
      counts.bytesDone += buffer.length;
      counts.bytesUploaded += buffer.length;
      progress.tick();
      yield buffer;
    }
  };
  try {
    await options.store.put(file.key, counted(), { contentType: contentTypeOf(file.key) });
  } catch (error) {
    counts.bytesDone -= sent;
    counts.bytesUploaded -= sent;
    throw error;
  }
  return { file, status: "uploaded" };
}

/** What S3 should say the object is (the offline bucket keeps no content type). */
export function contentTypeOf(key: string): string {
  if (/\.gz$/i.test(key)) return "application/gzip";
  if (/\.csv$/i.test(key)) return "text/csv";
  if (/\.(jsonl|ndjson)$/i.test(key)) return "application/x-ndjson";
  return "application/json";
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
