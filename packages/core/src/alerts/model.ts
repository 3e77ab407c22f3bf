import * as v from "valibot";

/** What went wrong. Each kind has one builder in this folder; `alarm` is a CloudWatch alarm without a kind of its own. */
export const ALERT_KINDS = [
  "quality_gate_failed",
  "provider_throttled",
  "provider_failing",
  "dlq_not_empty",
  "job_failed",
  "job_timed_out",
  "job_stopped",
  "merge_failed",
  "data_stale",
  "alarm",
  "unrecognized",
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const ALERT_SEVERITIES = ["info", "warning", "error"] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** One labelled value, shown as a field: `{ label: "Rejection rate", value: "12.5 %" }`. */
export interface AlertFact {
  label: string;
  value: string;
}

/**
 * One reason the alert fires, most important first: a broken rule with its count and examples, or a stale symbol.
 * e.g. `{ label: "ohlc.high_bounds", count: 25, text: "high is below max(open, close, low)", examples: ["row 3: …"] }`.
 */
export interface AlertReason {
  label: string;
  count?: number;
  text: string;
  examples: string[];
}

/** Where to look: the report object, the quarantine prefix, a log group, a console page. */
export interface AlertLink {
  label: string;
  /** `https://…` in AWS (console pages); `file://…` offline, shown as text rather than a button. */
  url: string;
}

/**
 * Something an operator should hear about. `incidentKey` is stable for one incident (the same job failing again,
 * the same source failing the gate again), so Slack updates one message instead of posting a storm.
 */
export interface Alert {
  type: "alert";
  kind: AlertKind;
  severity: AlertSeverity;
  incidentKey: string;
  /** The component that raised it: `validate`, `merge`, `freshness`, `ingest`, `cloudwatch`, `local`. */
  source: string;
  /** One line, e.g. `Quality gate failed for raw/csv/AAPL.csv`. */
  summary: string;
  /** Longer text when there is any: the gate's reason, Glue's error message, the database's message. */
  detail?: string;
  facts: AlertFact[];
  reasons: AlertReason[];
  links: AlertLink[];
  /** When it happened (ISO-8601 UTC). */
  at: string;
}

/** A later success of the same incident: what was wrong is right again. */
export interface AlertResolution {
  type: "resolved";
  kind: AlertKind;
  incidentKey: string;
  source: string;
  /** One line, e.g. `raw/csv/AAPL.csv passes the quality gate again`. */
  summary: string;
  facts: AlertFact[];
  links: AlertLink[];
  at: string;
}

/** What the notifier carries and the SNS message body holds (JSON). */
export type AlertMessage = Alert | AlertResolution;

const text = v.string();
const FactSchema = v.object({ label: text, value: text });
const LinkSchema = v.object({ label: text, url: text });
const ReasonSchema = v.object({
  label: text,
  count: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0))),
  text,
  examples: v.array(text),
});

const AlertSchema = v.object({
  type: v.literal("alert"),
  kind: v.picklist(ALERT_KINDS),
  severity: v.picklist(ALERT_SEVERITIES),
  incidentKey: v.pipe(text, v.minLength(1)),
  source: text,
  summary: text,
  detail: v.optional(text),
  facts: v.array(FactSchema),
  reasons: v.array(ReasonSchema),
  links: v.array(LinkSchema),
  at: text,
});

const ResolutionSchema = v.object({
  type: v.literal("resolved"),
  kind: v.picklist(ALERT_KINDS),
  incidentKey: v.pipe(text, v.minLength(1)),
  source: text,
  summary: text,
  facts: v.array(FactSchema),
  links: v.array(LinkSchema),
  at: text,
});

/** Validates an alert message read back from JSON (the SNS body, `.local/alerts.jsonl`). */
export const AlertMessageSchema = v.variant("type", [AlertSchema, ResolutionSchema]);
