import { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { normalizeEtag } from "@market-data/core/ids";
import type { ObjectBody, ObjectInfo, ObjectStore } from "@market-data/core/ports";
import { ObjectNotFoundError } from "@market-data/core/ports";

/** The bucket in AWS. ETags come back unquoted, as the port promises. */
export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
  ) {}

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return toObjectInfo(key, out);
    } catch (err) {
      if (!isS3NotFound(err)) throw err;
      // A HEAD answers a bare 404 for a missing bucket too: that is a misconfiguration to fail loudly on (so the
      // message is retried and dead-lettered), not an absent object to skip.
      await this.assertBucketExists();
      return undefined;
    }
  }

  private bucketSeen = false;

  private async assertBucketExists(): Promise<void> {
    if (this.bucketSeen) return;
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      if (isS3NotFound(err)) throw new Error(`S3 bucket ${this.bucket} does not exist (check DATA_BUCKET)`);
      throw err;
    }
    this.bucketSeen = true;
  }

  async getStream(key: string): Promise<{ info: ObjectInfo; body: AsyncIterable<Uint8Array> }> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return { info: toObjectInfo(key, out), body: asByteStream(out.Body) };
    } catch (err) {
      if (isS3NotFound(err)) throw new ObjectNotFoundError(key);
      throw err;
    }
  }

  async getBytes(key: string): Promise<Uint8Array | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!out.Body) return new Uint8Array();
      return await out.Body.transformToByteArray();
    } catch (err) {
      if (isS3NotFound(err)) return undefined;
      throw err;
    }
  }

  /** S3 PUTs are atomic; streams go through a multipart Upload so big outputs are never buffered whole. */
  async put(key: string, body: ObjectBody, options?: { contentType?: string }): Promise<void> {
    const ContentType = options?.contentType;
    if (typeof body === "string" || body instanceof Uint8Array) {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType }));
      return;
    }
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: Readable.from(body, { objectMode: false }), ContentType },
    });
    await upload.done();
  }

  /**
   * A conditional PutObject (`If-None-Match: *`): S3 refuses it with 412 PreconditionFailed when the key exists,
   * and with 409 ConditionalRequestConflict while another conditional write of the key is in flight, which is
   * about to create it. Either way this caller did not create the object.
   */
  async putIfAbsent(key: string, body: Uint8Array | string, options?: { contentType?: string }): Promise<boolean> {
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      Body: body,
      ContentType: options?.contentType,
      IfNoneMatch: "*",
    });
    try {
      await this.client.send(command);
      return true;
    } catch (err) {
      if (isConditionalCreateLost(err)) return false;
      throw err;
    }
  }

  /** S3 answers 204 for a missing key too, so deleting twice is fine. */
  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    // The paginator follows NextContinuationToken; S3 returns keys in UTF-8 byte order.
    for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: prefix })) {
      for (const item of page.Contents ?? []) {
        if (item.Key === undefined) continue;
        yield toObjectInfo(item.Key, { ContentLength: item.Size, ETag: item.ETag, LastModified: item.LastModified });
      }
    }
  }
}

/** The metadata fields HeadObject, GetObject and ListObjectsV2 share (List names the size `Size`). */
export interface S3ObjectFields {
  ContentLength?: number | undefined;
  ETag?: string | undefined;
  LastModified?: Date | undefined;
}

/** Port view of S3 metadata: unquoted ETag, size 0 and the epoch when S3 leaves a field out. */
export function toObjectInfo(key: string, out: S3ObjectFields): ObjectInfo {
  return {
    key,
    size: out.ContentLength ?? 0,
    etag: normalizeEtag(out.ETag ?? ""),
    lastModified: out.LastModified ?? new Date(0),
  };
}

/**
 * True for "no such object": GetObject says `NoSuchKey`, HeadObject (no body to carry a code) says
 * `NotFound`; both carry HTTP 404. `NoSuchBucket` is a deployment fault and must stay an error.
 */
export function isS3NotFound(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const name = "name" in err ? err.name : undefined;
  if (name === "NoSuchKey" || name === "NotFound") return true;
  if (name === "NoSuchBucket") return false;
  const meta = "$metadata" in err ? err.$metadata : undefined;
  return typeof meta === "object" && meta !== null && "httpStatusCode" in meta && meta.httpStatusCode === 404;
}

/**
 * True when S3 refused an `If-None-Match: *` write because the key exists (412) or is being created (409
 * ConditionalRequestConflict, by name: S3's other 409s, such as OperationAborted, are faults to retry).
 */
export function isConditionalCreateLost(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const name = "name" in err ? err.name : undefined;
  if (name === "PreconditionFailed" || name === "ConditionalRequestConflict") return true;
  const meta = "$metadata" in err ? err.$metadata : undefined;
  return typeof meta === "object" && meta !== null && "httpStatusCode" in meta && meta.httpStatusCode === 412;
}

/**
 * The GetObject body as byte chunks. In Node it is an `IncomingMessage` (async iterable); a web
 * `ReadableStream` (other runtimes) is read through its reader; an absent body is empty.
 */
export function asByteStream(body: unknown): AsyncIterable<Uint8Array> {
  if (body === undefined || body === null) return emptyStream();
  if (typeof body === "object" && Symbol.asyncIterator in body) return body as AsyncIterable<Uint8Array>;
  if (typeof body === "object" && "getReader" in body && typeof body.getReader === "function") {
    return readerStream(body as { getReader(): ReadableStreamReaderLike });
  }
  throw new TypeError("S3 GetObject body is neither an async iterable nor a ReadableStream");
}

interface ReadableStreamReaderLike {
  read(): Promise<{ done: boolean; value?: Uint8Array | undefined }>;
  releaseLock(): void;
}

async function* emptyStream(): AsyncGenerator<Uint8Array> {}

async function* readerStream(stream: { getReader(): ReadableStreamReaderLike }): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value) yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
