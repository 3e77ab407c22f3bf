import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";

/** The part size lib-storage's `Upload` uses by default (5 MiB): S3's multipart ETag depends on it. */
export const PART_SIZE = 5 * 1024 * 1024;

/**
 * The ETags an object holding these bytes can have: the MD5 of the whole (a single PUT, and the offline bucket), and
 * for bodies above one part the multipart ETag `md5(md5(part1) ‖ md5(part2) ‖ …)-N` of a lib-storage upload.
 * e.g. a 12 MiB file → `{"<md5>", "<md5 of 3 part digests>-3"}`.
 */
export async function etagsOfFile(path: string): Promise<Set<string>> {
  const whole = createHash("md5");
  const parts = new PartHasher();
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const bytes = chunk as Buffer;
    whole.update(bytes);
    parts.update(bytes);
  }
  return new Set([whole.digest("hex"), ...parts.etags()]);
}

/** {@link etagsOfFile} for bytes in memory. */
export function etagsOfBytes(bytes: Uint8Array): Set<string> {
  const parts = new PartHasher();
  parts.update(bytes);
  return new Set([createHash("md5").update(bytes).digest("hex"), ...parts.etags()]);
}

/** MD5s of consecutive PART_SIZE parts, fed in chunks of any size. */
class PartHasher {
  private readonly digests: Buffer[] = [];
  private current: Hash = createHash("md5");
  private filled = 0;
  private total = 0;

  update(bytes: Uint8Array): void {
    let offset = 0;
    this.total += bytes.length;
    while (offset < bytes.length) {
      const take = Math.min(PART_SIZE - this.filled, bytes.length - offset);
      this.current.update(bytes.subarray(offset, offset + take));
      this.filled += take;
      offset += take;
      if (this.filled === PART_SIZE) {
        this.digests.push(this.current.digest());
        this.current = createHash("md5");
        this.filled = 0;
      }
    }
  }

  /** Multipart ETags the body may have (none when it fits one part: then it was a single PUT). */
  etags(): string[] {
    if (this.total <= PART_SIZE) return [];
    const digests = this.filled > 0 ? [...this.digests, this.current.digest()] : this.digests;
    const etag = (list: Buffer[]) => `${createHash("md5").update(Buffer.concat(list)).digest("hex")}-${list.length}`;
    // A body of an exact multiple of the part size may end with an empty last part, depending on how it streamed.
    return this.filled > 0 ? [etag(digests)] : [etag(digests), etag([...digests, createHash("md5").digest()])];
  }
}
