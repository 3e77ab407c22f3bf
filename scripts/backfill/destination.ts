import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ListBucketsCommand, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import type { ObjectInfo, ObjectStore } from "@market-data/core/ports";
import { FolderObjectStore } from "../../packages/functions/src/adapters/folder-object-store.ts";
import { S3ObjectStore } from "../../packages/functions/src/adapters/s3-object-store.ts";

/** Where the backfill writes. */
export interface Destination {
  store: ObjectStore;
  kind: "folder" | "s3";
  /** For messages: `.local/bucket` or `s3://name`. */
  label: string;
  close(): void;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The offline bucket (`<root>/bucket`) by default; an S3 bucket with `--bucket`, or a deployed stage's data bucket
 * with `--stage`. S3 credentials and region come from the default chain; `AWS_ENDPOINT_URL_S3` (or
 * `AWS_ENDPOINT_URL`) points at another S3 API, e.g. moto, with path-style addressing.
 */
export async function openDestination(
  options: { root: string; bucket?: string; stage?: string },
  env: Env = process.env,
  s3?: S3Client,
): Promise<Destination> {
  if (options.bucket === undefined && options.stage === undefined) {
    const dir = join(options.root, "bucket");
    return { store: new FolderObjectStore(dir), kind: "folder", label: dir, close: () => {} };
  }
  const client = s3 ?? new S3Client(s3Config(env));
  const bucket = options.bucket ?? (await stageBucket(options.stage ?? "", client));
  return {
    store: new S3ObjectStore(client, bucket),
    kind: "s3",
    label: `s3://${bucket}`,
    close: () => {
      if (s3 === undefined) client.destroy();
    },
  };
}

function s3Config(env: Env): S3ClientConfig {
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  // Custom endpoints (moto, MinIO, LocalStack) rarely resolve bucket subdomains: use path-style there.
  return endpoint ? { endpoint, forcePathStyle: true } : {};
}

/**
 * The data bucket of a deployed stage, the way DEPLOY.md finds it: `.sst/outputs.json`'s `bucket` when that file
 * is this stage's (SST names buckets `<app>-<stage>-<name>-<suffix>`), else the one bucket of the account named
 * `market-data-<stage>-data…`.
 */
export async function stageBucket(stage: string, client: S3Client, outputsPath = ".sst/outputs.json"): Promise<string> {
  if (!/^[a-z0-9-]+$/i.test(stage)) throw new Error(`--stage ${JSON.stringify(stage)} is not a stage name`);
  const outputs = await readFile(resolve(outputsPath), "utf8").then(
    (text) => JSON.parse(text) as { bucket?: unknown },
    () => undefined,
  );
  const fromOutputs = typeof outputs?.bucket === "string" ? outputs.bucket : undefined;
  const prefix = `market-data-${stage.toLowerCase()}-data`;
  if (fromOutputs?.startsWith(prefix)) return fromOutputs;
  const listed = await client.send(new ListBucketsCommand({}));
  const names = (listed.Buckets ?? []).map((b) => b.Name ?? "").filter((name) => name.startsWith(prefix));
  if (names.length === 1 && names[0] !== undefined) return names[0];
  throw new Error(
    names.length === 0
      ? `no data bucket for stage ${stage} (none named ${prefix}…, and .sst/outputs.json is another stage's or missing): deploy the stage, or pass --bucket`
      : `several buckets match stage ${stage} (${names.join(", ")}): pass --bucket`,
  );
}

/** What the destination already holds under the prefixes, by key (one listing per prefix, not one HEAD per file). */
export async function listExisting(store: ObjectStore, prefixes: readonly string[]): Promise<Map<string, ObjectInfo>> {
  const existing = new Map<string, ObjectInfo>();
  for (const prefix of prefixes) for await (const info of store.list(prefix)) existing.set(info.key, info);
  return existing;
}
