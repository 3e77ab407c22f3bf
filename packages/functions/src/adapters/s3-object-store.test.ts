import { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { ObjectNotFoundError } from "@market-data/core/ports";
import { describe, expect, it, vi } from "vitest";
import { asByteStream, isConditionalCreateLost, isS3NotFound, S3ObjectStore, toObjectInfo } from "./s3-object-store.js";

// The wire protocol is proven against moto in its own issue; here a stubbed `send` checks the mapping
// between the port and the S3 commands (which command, which fields, which errors mean "absent").
function stubbed(reply: (command: unknown) => unknown) {
  const client = new S3Client({ region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "y" } });
  const sent: unknown[] = [];
  vi.spyOn(client, "send").mockImplementation(async (command: unknown) => {
    sent.push(command);
    return reply(command);
  });
  return { store: new S3ObjectStore(client, "data"), sent };
}

const s3Error = (name: string, status: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

describe("S3ObjectStore helpers", () => {
  it("unquotes the ETag and fills absent fields", () => {
    const when = new Date("2024-01-05T00:00:00Z");
    expect(toObjectInfo("k", { ContentLength: 3, ETag: '"abc"', LastModified: when })).toEqual({
      key: "k",
      size: 3,
      etag: "abc",
      lastModified: when,
    });
    expect(toObjectInfo("k", {})).toEqual({ key: "k", size: 0, etag: "", lastModified: new Date(0) });
  });

  it("knows NoSuchKey, NotFound and a bare 404 as absent, but not NoSuchBucket or a 500", () => {
    expect(isS3NotFound(new NoSuchKey({ message: "gone", $metadata: {} }))).toBe(true);
    expect(isS3NotFound(new NotFound({ message: "gone", $metadata: {} }))).toBe(true);
    expect(isS3NotFound(s3Error("Unknown", 404))).toBe(true);
    expect(isS3NotFound(s3Error("NoSuchBucket", 404))).toBe(false);
    expect(isS3NotFound(s3Error("InternalError", 500))).toBe(false);
    expect(isS3NotFound("NotFound")).toBe(false);
  });

  it("knows a lost conditional create (412, 409 ConditionalRequestConflict) but not S3's other 409s", () => {
    expect(isConditionalCreateLost(s3Error("PreconditionFailed", 412))).toBe(true);
    expect(isConditionalCreateLost(s3Error("Unknown", 412))).toBe(true);
    expect(isConditionalCreateLost(s3Error("ConditionalRequestConflict", 409))).toBe(true);
    expect(isConditionalCreateLost(s3Error("OperationAborted", 409))).toBe(false);
    expect(isConditionalCreateLost(s3Error("AccessDenied", 403))).toBe(false);
    expect(isConditionalCreateLost(undefined)).toBe(false);
  });

  it("reads a Node stream, a web ReadableStream and an absent body as bytes", async () => {
    const read = async (body: unknown) => {
      const parts: Uint8Array[] = [];
      for await (const chunk of asByteStream(body)) parts.push(chunk);
      return Buffer.concat(parts).toString();
    };
    expect(await read(Readable.from([Buffer.from("ab"), Buffer.from("c")]))).toBe("abc");
    expect(await read(new Blob(["web"]).stream())).toBe("web");
    expect(await read(undefined)).toBe("");
    expect(() => asByteStream(42)).toThrow(TypeError);
  });
});

describe("S3ObjectStore (stubbed client)", () => {
  it("heads with HeadObject and answers undefined for NotFound once the bucket is known to exist", async () => {
    const { store, sent } = stubbed((cmd) => {
      if (cmd instanceof HeadBucketCommand) return {};
      if (cmd instanceof HeadObjectCommand && cmd.input.Key === "here")
        return { ContentLength: 2, ETag: '"e"', LastModified: new Date(1) };
      throw new NotFound({ message: "not found", $metadata: { httpStatusCode: 404 } });
    });
    expect(await store.head("here")).toEqual({ key: "here", size: 2, etag: "e", lastModified: new Date(1) });
    expect(await store.head("gone")).toBeUndefined();
    expect(await store.head("gone too")).toBeUndefined();
    expect(sent[0]).toBeInstanceOf(HeadObjectCommand);
    expect((sent[0] as HeadObjectCommand).input).toEqual({ Bucket: "data", Key: "here" });
    // The bucket is checked once, on the first miss.
    expect(sent.filter((cmd) => cmd instanceof HeadBucketCommand)).toHaveLength(1);
  });

  it("fails a head when the bucket itself is missing", async () => {
    const { store } = stubbed(() => {
      throw new NotFound({ message: "not found", $metadata: { httpStatusCode: 404 } });
    });
    await expect(store.head("raw/x.csv")).rejects.toThrow("S3 bucket data does not exist (check DATA_BUCKET)");
  });

  it("turns NoSuchKey into ObjectNotFoundError for getStream and undefined for getBytes", async () => {
    const { store } = stubbed(() => {
      throw new NoSuchKey({ message: "no", $metadata: { httpStatusCode: 404 } });
    });
    await expect(store.getStream("k")).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(await store.getBytes("k")).toBeUndefined();
  });

  it("does not hide other errors", async () => {
    const { store } = stubbed(() => {
      throw s3Error("AccessDenied", 403);
    });
    await expect(store.head("k")).rejects.toThrow("AccessDenied");
    await expect(store.getStream("k")).rejects.toThrow("AccessDenied");
    await expect(store.getBytes("k")).rejects.toThrow("AccessDenied");
  });

  it("lists every page by continuation token", async () => {
    const pages: Record<string, { Contents: { Key: string; Size: number; ETag: string }[]; next?: string }> = {
      start: { Contents: [{ Key: "p/a", Size: 1, ETag: '"1"' }], next: "t2" },
      t2: { Contents: [{ Key: "p/b", Size: 2, ETag: '"2"' }], next: "t3" },
      t3: { Contents: [{ Key: "p/c", Size: 3, ETag: '"3"' }] },
    };
    const { store, sent } = stubbed((cmd) => {
      if (!(cmd instanceof ListObjectsV2Command)) throw new Error("unexpected command");
      const page = pages[cmd.input.ContinuationToken ?? "start"];
      return { Contents: page?.Contents, NextContinuationToken: page?.next, IsTruncated: page?.next !== undefined };
    });
    const got: string[] = [];
    for await (const info of store.list("p/")) got.push(`${info.key}:${info.size}:${info.etag}`);
    expect(got).toEqual(["p/a:1:1", "p/b:2:2", "p/c:3:3"]);
    expect(sent.map((c) => (c as ListObjectsV2Command).input.Prefix)).toEqual(["p/", "p/", "p/"]);
  });

  it("puts bytes and strings with PutObject and its content type, deletes with DeleteObject", async () => {
    const { store, sent } = stubbed(() => ({}));
    await store.put("r.json", '{"a":1}', { contentType: "application/json" });
    await store.delete("r.json");
    expect(sent[0]).toBeInstanceOf(PutObjectCommand);
    expect((sent[0] as PutObjectCommand).input).toMatchObject({
      Bucket: "data",
      Key: "r.json",
      Body: '{"a":1}',
      ContentType: "application/json",
    });
    expect(sent[1]).toBeInstanceOf(DeleteObjectCommand);
  });

  it("creates with a conditional PutObject (If-None-Match: *) and reports who won", async () => {
    const replies = [undefined, s3Error("PreconditionFailed", 412), s3Error("ConditionalRequestConflict", 409)];
    const { store, sent } = stubbed(() => {
      const reply = replies.shift();
      if (reply !== undefined) throw reply;
      return {};
    });
    expect(await store.putIfAbsent("raw/a.json", "{}", { contentType: "application/json" })).toBe(true);
    expect(await store.putIfAbsent("raw/a.json", "{}")).toBe(false);
    expect(await store.putIfAbsent("raw/a.json", "{}")).toBe(false);
    expect((sent[0] as PutObjectCommand).input).toMatchObject({
      Bucket: "data",
      Key: "raw/a.json",
      Body: "{}",
      ContentType: "application/json",
      IfNoneMatch: "*",
    });
    expect(sent.every((c) => c instanceof PutObjectCommand && c.input.IfNoneMatch === "*")).toBe(true);
  });

  it("keeps other errors of a conditional create errors", async () => {
    const { store } = stubbed(() => {
      throw s3Error("OperationAborted", 409);
    });
    await expect(store.putIfAbsent("raw/a.json", "{}")).rejects.toThrow("OperationAborted");
  });

  it("streams an AsyncIterable body through lib-storage's Upload (one PutObject when it is small)", async () => {
    const { store, sent } = stubbed(() => ({ ETag: '"x"' }));
    async function* body(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode("line 1\n");
      yield new TextEncoder().encode("line 2\n");
    }
    await store.put("curated/x.jsonl", body(), { contentType: "application/x-ndjson" });
    const put = sent.find((c): c is PutObjectCommand => c instanceof PutObjectCommand);
    expect(put?.input).toMatchObject({ Bucket: "data", Key: "curated/x.jsonl", ContentType: "application/x-ndjson" });
    expect(Buffer.from(put?.input.Body as Uint8Array).toString()).toBe("line 1\nline 2\n");
  });

  it("gets a whole object's bytes", async () => {
    const { store } = stubbed((cmd) => {
      if (!(cmd instanceof GetObjectCommand)) throw new Error("unexpected command");
      return { Body: { transformToByteArray: async () => new Uint8Array([1, 2]) } };
    });
    expect(await store.getBytes("k")).toEqual(new Uint8Array([1, 2]));
  });
});
