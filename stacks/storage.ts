// Storage: one data bucket with prefixes as zones (DESIGN.md "Key layout") and the latest-prices table.
import { PREFIX } from "@market-data/core/keys";
import { isProduction } from "./stage";

/** Default days a quarantined record or file is kept before S3 expires it. */
export const DEFAULT_QUARANTINE_EXPIRY_DAYS = 90;

/**
 * Days quarantine/ is kept: `QUARANTINE_EXPIRY_DAYS` at deploy time (e.g. `QUARANTINE_EXPIRY_DAYS=30 npx sst deploy`),
 * else 90. A value that is not a whole number of days ≥ 1 stops the deploy instead of silently expiring too early.
 */
export function quarantineExpiryDays(setting: string | undefined = process.env.QUARANTINE_EXPIRY_DAYS): number {
  if (setting === undefined || setting.trim() === "") return DEFAULT_QUARANTINE_EXPIRY_DAYS;
  const days = Number(setting);
  if (!Number.isInteger(days) || days < 1) {
    throw new Error(`QUARANTINE_EXPIRY_DAYS must be a whole number of days ≥ 1, got "${setting}"`);
  }
  return days;
}

/**
 * The data bucket. Versioning stays off: raw/ is write-once by contract (no role of this app may delete there, the
 * wiring test checks it), and every other zone is derived from raw/ and rewritten in place by idempotent retries,
 * so versions would only pile up noncurrent copies of reproducible files. Production data is kept by `protect`,
 * `retain` and `forceDestroy: false` instead.
 */
export const bucket = new sst.aws.Bucket("Data", {
  transform: {
    // SST empties a bucket on removal by default; a production bucket must refuse to be deleted while it holds data.
    bucket: { forceDestroy: !isProduction },
    // SST's defaults already block public access for a private bucket; spelled out so it stays so.
    publicAccessBlock: {
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
  },
});

/** The data bucket's objects under a key prefix, as an IAM resource: `arn:aws:s3:::<bucket>/<prefix>*`. */
export const objectsUnder = (prefix: string) => $interpolate`${bucket.arn}/${prefix}*`;

// Default encryption, SSE-S3: no KMS key to pay for or to grant to every reader (S3 notifications to SQS and
// Redshift COPY would both need it). A raw resource rather than SST's `encryption` flag, which not every 4.x has.
new aws.s3.BucketServerSideEncryptionConfiguration("DataEncryption", {
  bucket: bucket.name,
  rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
});

// A bucket has one lifecycle configuration, and SST's `lifecycle` argument only expires objects (no transitions, no
// multipart clean-up), so the whole configuration is this raw resource and the Bucket gets no `lifecycle` argument.
new aws.s3.BucketLifecycleConfiguration("DataLifecycleRules", {
  bucket: bucket.name,
  rules: [
    {
      // Glacier Instant Retrieval, not Flexible: the validate function and reprocessing read raw objects with a
      // plain GetObject, which Flexible Retrieval would refuse until a restore. Objects under 128 KB stay in
      // Standard (S3's default minimum size for transitions), which is where they are cheapest anyway.
      id: "raw-to-glacier-ir",
      status: "Enabled",
      filter: { prefix: PREFIX.raw },
      transitions: [{ days: 30, storageClass: "GLACIER_IR" }],
    },
    {
      id: "quarantine-expiry",
      status: "Enabled",
      filter: { prefix: PREFIX.quarantine },
      expiration: { days: quarantineExpiryDays() },
    },
    {
      // Interrupted backfills and Spark writes leave invisible parts that are billed until aborted.
      id: "abort-incomplete-multipart-uploads",
      status: "Enabled",
      filter: { prefix: "" },
      abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
    },
  ],
});

/** Latest price per symbol (monotonic conditional upsert). On-demand billing; `fields` holds key attributes only. */
export const latestPrices = new sst.aws.Dynamo("LatestPrices", {
  fields: { symbol: "string" },
  primaryIndex: { hashKey: "symbol" },
  transform: { table: { deletionProtectionEnabled: isProduction } },
});
