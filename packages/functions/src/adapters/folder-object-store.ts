import { randomBytes } from "node:crypto";
import { createWriteStream, type Dirent } from "node:fs";
import { type FileHandle, link, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ObjectBody, ObjectInfo, ObjectStore } from "@market-data/core/ports";
import { ObjectNotFoundError } from "@market-data/core/ports";
import { EtagCache, md5OfHandle } from "./etag-cache.js";

/** A key that cannot name a file inside the store's root (`..`, absolute, empty segment, NUL, backslash). */
export class InvalidObjectKeyError extends Error {
  readonly code = "INVALID_OBJECT_KEY";
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`invalid object key ${JSON.stringify(key)}: ${reason}`);
    this.name = "InvalidObjectKeyError";
  }
}

/** Bytes per read of an object's stream. */
const READ_CHUNK_BYTES = 256 * 1024;

/** Temp files of in-flight puts: never listed, never a key (a key's last segment cannot match it by chance). */
export const TEMP_FILE = /^\.put-[0-9a-f]{16}\.tmp$/;

/** The offline bucket: key `raw/csv/AAPL.csv` is the file `<root>/raw/csv/AAPL.csv`. */
export class FolderObjectStore implements ObjectStore {
  readonly root: string;
  private readonly etags = new EtagCache();

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** Absolute path of a key, or `InvalidObjectKeyError` when the key would leave the root. */
  pathOf(key: string): string {
    if (key === "") throw new InvalidObjectKeyError(key, "empty");
    if (key.includes("\0")) throw new InvalidObjectKeyError(key, "contains NUL");
    // A backslash is a separator on Windows: refuse it everywhere so a key means the same file on every OS.
    if (key.includes("\\")) throw new InvalidObjectKeyError(key, "contains a backslash");
    if (key.startsWith("/") || path.isAbsolute(key)) throw new InvalidObjectKeyError(key, "absolute path");
    for (const segment of key.split("/")) {
      if (segment === "..") throw new InvalidObjectKeyError(key, "escapes the root with '..'");
      if (segment === "." || segment === "") throw new InvalidObjectKeyError(key, "empty or '.' path segment");
      if (TEMP_FILE.test(segment)) throw new InvalidObjectKeyError(key, "reserved temp-file name");
    }
    const full = path.resolve(this.root, key);
    if (!full.startsWith(this.root + path.sep)) throw new InvalidObjectKeyError(key, "outside the root");
    return full;
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const file = this.pathOf(key);
    const handle = await openIfFile(file);
    if (!handle) return undefined;
    try {
      return await this.infoOf(key, file, handle);
    } finally {
      await handle.close();
    }
  }

  async getStream(key: string): Promise<{ info: ObjectInfo; body: AsyncIterable<Uint8Array> }> {
    const file = this.pathOf(key);
    const handle = await openIfFile(file);
    if (!handle) throw new ObjectNotFoundError(key);
    try {
      // Info and body come from the same open file, so a concurrent put (a rename) cannot make them disagree.
      const info = await this.infoOf(key, file, handle);
      // 256 KiB reads: a quarter of the thread-pool round trips of the default 64 KiB (decodeText hands the
      // parsers texts of at most 64 KiB whatever the read size).
      const body = handle.createReadStream({ start: 0, autoClose: true, highWaterMark: READ_CHUNK_BYTES });
      return { info, body };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  async getBytes(key: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.pathOf(key));
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  /**
   * `contentType` is ignored: a file has none (S3 keeps it; nothing downstream reads it offline). The etag is not
   * computed here: `head` hashes the file the first time it is asked (most outputs are never headed, and hashing
   * every output while writing it cost a few percent of the validate path).
   */
  async put(key: string, body: ObjectBody, _options?: { contentType?: string }): Promise<void> {
    const file = this.pathOf(key);
    const dir = path.dirname(file);
    await mkdir(dir, { recursive: true });
    // Same folder as the target so the rename is atomic (same file system); readers see old or new, never a part.
    const temp = tempFileIn(dir);
    try {
      // pipeline gives backpressure and complete writes; a stream body is piped as is, without a generator hop.
      const source = body instanceof Readable ? body : chunksOf(body);
      await pipeline(source, createWriteStream(temp, { flags: "wx" }));
      await rename(temp, file);
      this.etags.delete(file);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  /**
   * The whole body goes to a temp file first, then `link` gives it the key's name: unlike `rename`, a link never
   * replaces an existing file (EEXIST), and it appears complete or not at all, so readers never see a part and of
   * racing callers exactly one wins. Needs a file system with hard links (any local disk Node runs on).
   */
  async putIfAbsent(key: string, body: Uint8Array | string, _options?: { contentType?: string }): Promise<boolean> {
    const file = this.pathOf(key);
    const dir = path.dirname(file);
    await mkdir(dir, { recursive: true });
    const temp = tempFileIn(dir);
    try {
      await writeFile(temp, body, { flag: "wx" });
      try {
        await link(temp, file);
      } catch (err) {
        if (errorCode(err) !== "EEXIST") throw err;
        // A folder under that name is no object: S3 would accept the key, so say so rather than "present".
        if ((await stat(file)).isDirectory()) throw new InvalidObjectKeyError(key, "a folder of keys has this name");
        return false;
      }
      this.etags.delete(file);
      return true;
    } finally {
      await rm(temp, { force: true });
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    await rm(file, { force: true });
    this.etags.delete(file);
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    // Start at the deepest folder the prefix names in full; the rest of the prefix filters entry names.
    const slash = prefix.lastIndexOf("/");
    const dirKey = prefix.slice(0, slash + 1);
    if (dirKey !== "") this.pathOf(`${dirKey}x`); // validates the folder part (`..`, absolute) before any I/O
    yield* this.walk(dirKey, prefix);
  }

  /**
   * Deletes the temp files of puts that never finished (a process killed mid-write). Call it only when no other
   * writer is running, e.g. when the offline runtime starts. Returns how many were removed.
   */
  async removeAbandonedTempFiles(): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.root, { recursive: true });
    } catch (err) {
      if (isMissing(err)) return 0;
      throw err;
    }
    const abandoned = names.filter((name) => TEMP_FILE.test(path.basename(name)));
    await Promise.all(abandoned.map((name) => rm(path.join(this.root, name), { force: true })));
    return abandoned.length;
  }

  private async *walk(dirKey: string, prefix: string): AsyncGenerator<ObjectInfo> {
    const dir = path.join(this.root, dirKey);
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return;
      throw err;
    }
    // Sort by the key each entry contributes (a folder as `name/`), in UTF-8 byte order like S3, so the
    // depth-first walk yields keys in global key order (`a.txt` < `a/b`, because `.` < `/`).
    const named = entries
      .filter((e) => (e.isFile() && !TEMP_FILE.test(e.name)) || e.isDirectory())
      .map((e) => ({ entry: e, key: `${dirKey}${e.name}${e.isDirectory() ? "/" : ""}` }))
      .sort((a, b) => compareKeys(a.key, b.key));
    for (const { entry, key } of named) {
      if (entry.isDirectory()) {
        if (key.startsWith(prefix) || prefix.startsWith(key)) yield* this.walk(key, prefix);
        continue;
      }
      if (!key.startsWith(prefix)) continue;
      const info = await this.head(key);
      if (info) yield info; // deleted while we walked: skip it, as S3 would
    }
  }

  private async infoOf(key: string, file: string, handle: FileHandle): Promise<ObjectInfo> {
    const st = await handle.stat();
    let etag = this.etags.get(file, st);
    if (etag === undefined) {
      etag = await md5OfHandle(handle);
      this.etags.set(file, st, etag);
    }
    return { key, size: st.size, etag, lastModified: st.mtime };
  }
}

/** Opens a regular file for reading; undefined when it is missing or is a folder (a key names files only). */
async function openIfFile(file: string): Promise<FileHandle | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(file, "r");
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
  const st = await handle.stat();
  if (st.isFile()) return handle;
  await handle.close();
  return undefined;
}

/** The body as byte chunks, without ever holding a streamed body whole. */
async function* chunksOf(body: ObjectBody): AsyncGenerator<Uint8Array> {
  if (typeof body === "string") yield Buffer.from(body, "utf8");
  else if (body instanceof Uint8Array) yield body;
  else for await (const chunk of body) yield chunk;
}

/** A fresh temp-file path in `dir` (same folder as the target: a rename or link there stays on one file system). */
function tempFileIn(dir: string): string {
  return path.join(dir, `.put-${randomBytes(8).toString("hex")}.tmp`);
}

function errorCode(err: unknown): unknown {
  return typeof err === "object" && err !== null && "code" in err ? err.code : undefined;
}

function isMissing(err: unknown): boolean {
  const code = errorCode(err);
  return code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR";
}

/** S3 lists keys in UTF-8 byte order; JS `<` compares UTF-16 units, which differs above U+D7FF. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
