import { createHash } from "node:crypto";
import type { FileHandle } from "node:fs/promises";

const READ_CHUNK = 1 << 20;

/** MD5 hex of a whole open file (S3's single-part ETag), read in 1 MiB positional reads, never whole. */
export async function md5OfHandle(handle: FileHandle): Promise<string> {
  const hash = createHash("md5");
  const buffer = Buffer.allocUnsafe(READ_CHUNK);
  let position = 0;
  for (;;) {
    // Positional reads leave the handle's own offset alone, so the caller can stream it afterwards.
    const { bytesRead } = await handle.read(buffer, 0, READ_CHUNK, position);
    if (bytesRead === 0) break;
    hash.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
  return hash.digest("hex");
}

/** What identifies one version of a file without reading it. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  /** Every put renames a new file into place, so the inode changes even when size and mtime tick alike. */
  ino: number;
}

/**
 * ETags by (path, size, mtimeMs, inode): a file whose stamp is unchanged is taken to be unchanged, so
 * repeated heads and listings of big files cost a stat. Bounded; the oldest entries go first.
 */
export class EtagCache {
  private readonly entries = new Map<string, { stamp: string; etag: string }>();

  constructor(private readonly capacity = 10_000) {}

  get(file: string, stamp: FileStamp): string | undefined {
    const hit = this.entries.get(file);
    return hit && hit.stamp === stampOf(stamp) ? hit.etag : undefined;
  }

  set(file: string, stamp: FileStamp, etag: string): void {
    this.entries.delete(file); // re-insert so Map order stays oldest-first
    this.entries.set(file, { stamp: stampOf(stamp), etag });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  delete(file: string): void {
    this.entries.delete(file);
  }
}

function stampOf({ size, mtimeMs, ino }: FileStamp): string {
  return `${size}:${mtimeMs}:${ino}`;
}
