// The few AWS and SST rules the wiring assertions reason with, implemented small and strict: SST duration strings,
// EventBridge pattern matching (the subset the stacks use), CloudWatch Logs JSON filter patterns, and the real
// shape of a Glue "Glue Job State Change" event.

const SECONDS_PER_UNIT: Readonly<Record<string, number>> = {
  second: 1,
  seconds: 1,
  minute: 60,
  minutes: 60,
  hour: 3600,
  hours: 3600,
  day: 86_400,
  days: 86_400,
};

/** Seconds in an SST duration (`"5 seconds"`, `"13 minutes"`); throws for anything SST would not accept. */
export function durationSeconds(duration: unknown): number {
  const match = typeof duration === "string" ? /^(\d+(?:\.\d+)?) (\w+)$/.exec(duration) : null;
  const unit = match?.[2] === undefined ? undefined : SECONDS_PER_UNIT[match[2]];
  if (match?.[1] === undefined || unit === undefined) {
    throw new Error(`not an SST duration: ${JSON.stringify(duration)} (expected e.g. "30 seconds")`);
  }
  return Number(match[1]) * unit;
}

/** Megabytes in an SST size (`"1024 MB"`, `"1 GB"`). */
export function sizeMegabytes(size: unknown): number {
  const match = typeof size === "string" ? /^(\d+) (MB|GB)$/.exec(size) : null;
  if (match?.[1] === undefined) throw new Error(`not an SST size: ${JSON.stringify(size)} (expected e.g. "512 MB")`);
  return Number(match[1]) * (match[2] === "GB" ? 1024 : 1);
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** One EventBridge pattern leaf: a literal, or `{ prefix }` (what SST emits for "any event"). */
function leafMatches(rule: unknown, value: unknown): boolean {
  if (typeof rule === "object" && rule !== null && "prefix" in rule) {
    return typeof value === "string" && typeof rule.prefix === "string" && value.startsWith(rule.prefix);
  }
  if (typeof rule === "object" && rule !== null) {
    throw new Error(`unsupported EventBridge pattern operator: ${JSON.stringify(rule)}`);
  }
  return rule === value;
}

/**
 * EventBridge matching for the patterns the stacks write: every key of the pattern must match; an array lists the
 * accepted values (an array in the event matches if any element does); an object descends into the event.
 */
export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  if (typeof pattern !== "object" || pattern === null || Array.isArray(pattern)) {
    throw new Error(`an EventBridge pattern is an object, got ${JSON.stringify(pattern)}`);
  }
  if (typeof event !== "object" || event === null) return false;
  for (const [key, rule] of Object.entries(pattern)) {
    if (rule === undefined) continue; // JSON.stringify drops it, so EventBridge never sees it
    const value: unknown = Reflect.get(event, key);
    if (Array.isArray(rule)) {
      const values: unknown[] = Array.isArray(value) ? value : [value];
      if (!values.some((v) => rule.some((r: unknown) => leafMatches(r, v)))) return false;
    } else if (!matchesEventPattern(rule, value)) {
      return false;
    }
  }
  return true;
}

/** The EventBridge pattern SST's Bus subscribers send for `{ pattern }` (bus-base-subscriber.ts in SST 4). */
export function sstBusPattern(pattern: unknown): Record<string, unknown> {
  const p = typeof pattern === "object" && pattern !== null ? pattern : {};
  return JSON.parse(
    JSON.stringify({
      "detail-type": Reflect.get(p, "detailType"),
      source: Reflect.get(p, "source"),
      detail: Reflect.get(p, "detail"),
    }),
  );
}

export type GlueJobState = "SUCCEEDED" | "FAILED" | "TIMEOUT" | "STOPPED";

/** A "Glue Job State Change" event as EventBridge delivers it (AWS Glue developer guide, "Automating with EventBridge"). */
export function glueJobStateChange(jobName: string, state: GlueJobState): Json {
  return {
    version: "0",
    id: "abcdef00-1234-5678-9abc-def012345678",
    "detail-type": "Glue Job State Change",
    source: "aws.glue",
    account: "123456789012",
    time: "2026-01-05T18:57:21Z",
    region: "us-east-1",
    resources: [],
    detail: {
      jobName,
      severity: state === "SUCCEEDED" ? "INFO" : "ERROR",
      state,
      jobRunId: "jr_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      message: state === "SUCCEEDED" ? "Job run succeeded" : `Job run ${state.toLowerCase()}`,
    },
  };
}

/**
 * CloudWatch Logs JSON filter patterns of the form `{ $.a.b = "text" }` (the only form the stacks use), applied
 * to one log event: true when the event is JSON and the field equals the text.
 */
export function matchesJsonFilter(pattern: string, logEvent: string): boolean {
  const match = /^\{\s*\$\.([\w.]+)\s*=\s*"([^"]*)"\s*\}$/.exec(pattern);
  if (match?.[1] === undefined || match[2] === undefined) {
    throw new Error(`unsupported CloudWatch Logs filter pattern: ${pattern}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(logEvent);
  } catch {
    return false; // a JSON pattern never matches a line that is not JSON
  }
  for (const key of match[1].split(".")) {
    value = typeof value === "object" && value !== null ? Reflect.get(value, key) : undefined;
  }
  return value === match[2];
}
