import type { AlertLink } from "./model.js";

/**
 * Where the pipeline runs, for the links an alert carries: AWS console pages from the region and resource names,
 * or `file://` paths into the offline root.
 */
export type AlertPlace =
  | {
      kind: "aws";
      region: string;
      /** The data bucket. */
      bucket?: string;
      /** The reporting function's own log group (`AWS_LAMBDA_LOG_GROUP_NAME`). */
      logGroup?: string;
    }
  | {
      kind: "local";
      /** Absolute path of the offline bucket folder (`.local/bucket`). */
      bucketRoot: string;
      /** Absolute path of a log folder worth opening, if any. */
      logDir?: string;
    };

const consoleHome = (region: string) => `https://${region}.console.aws.amazon.com`;

/**
 * CloudWatch's console encodes a log group name twice inside its URL fragment, with `$` for `%`.
 * e.g. `/aws/lambda/x` → `$252Faws$252Flambda$252Fx`.
 */
function cloudWatchFragment(value: string): string {
  return encodeURIComponent(encodeURIComponent(value)).replace(/%/g, "$");
}

/** Console page of a CloudWatch log group (optionally one stream). */
export function logGroupUrl(region: string, logGroup: string, stream?: string): string {
  const base = `${consoleHome(region)}/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${cloudWatchFragment(logGroup)}`;
  return stream === undefined ? base : `${base}/log-events/${cloudWatchFragment(stream)}`;
}

/** Console page of an S3 object. */
export function s3ObjectUrl(region: string, bucket: string, key: string): string {
  return `https://s3.console.aws.amazon.com/s3/object/${bucket}?region=${region}&prefix=${encodeURIComponent(key)}`;
}

/** Console page of an S3 "folder" (key prefix). */
export function s3PrefixUrl(region: string, bucket: string, prefix: string): string {
  return `https://s3.console.aws.amazon.com/s3/buckets/${bucket}?region=${region}&prefix=${encodeURIComponent(prefix)}&showversions=false`;
}

/** Glue Studio's page of one job run. */
export function glueJobRunUrl(region: string, jobName: string, jobRunId: string): string {
  return `${consoleHome(region)}/gluestudio/home?region=${region}#/job/${encodeURIComponent(jobName)}/run/${encodeURIComponent(jobRunId)}`;
}

/** Console page of a CloudWatch alarm. */
export function alarmUrl(region: string, alarmName: string): string {
  return `${consoleHome(region)}/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(alarmName)}`;
}

/** Console page of an SQS queue, from its URL. */
export function sqsQueueUrl(region: string, queueUrl: string): string {
  return `${consoleHome(region)}/sqs/v3/home?region=${region}#/queues/${encodeURIComponent(queueUrl)}`;
}

/** Glue writes a run's driver errors to this log group, one stream per job run id. */
export const GLUE_ERROR_LOG_GROUP = "/aws-glue/jobs/error";

/** A link to an object of the data bucket: the S3 console in AWS, the file offline. */
export function objectLink(place: AlertPlace, label: string, key: string): AlertLink | undefined {
  if (place.kind === "local") return { label, url: fileUrl(`${place.bucketRoot}/${key}`) };
  return place.bucket === undefined ? undefined : { label, url: s3ObjectUrl(place.region, place.bucket, key) };
}

/** A link to a key prefix of the data bucket. */
export function prefixLink(place: AlertPlace, label: string, prefix: string): AlertLink | undefined {
  if (place.kind === "local") return { label, url: fileUrl(`${place.bucketRoot}/${prefix}`) };
  return place.bucket === undefined ? undefined : { label, url: s3PrefixUrl(place.region, place.bucket, prefix) };
}

/** A link to the reporting function's logs. */
export function ownLogsLink(place: AlertPlace, label = "Logs"): AlertLink | undefined {
  if (place.kind === "local") return place.logDir === undefined ? undefined : { label, url: fileUrl(place.logDir) };
  return place.logGroup === undefined ? undefined : { label, url: logGroupUrl(place.region, place.logGroup) };
}

/** `file://` URL of an absolute path (POSIX or Windows), spaces and the like escaped. */
export function fileUrl(path: string): string {
  const slashed = path.replace(/\\/g, "/");
  const absolute = slashed.startsWith("/") ? slashed : `/${slashed}`;
  return `file://${encodeURI(absolute)}`;
}

/** True for a link Slack can open as a button. */
export function isWebLink(link: AlertLink): boolean {
  return /^https?:\/\//.test(link.url);
}

/** The links that exist, in order. */
export function linksOf(...links: (AlertLink | undefined)[]): AlertLink[] {
  return links.filter((link): link is AlertLink => link !== undefined);
}
