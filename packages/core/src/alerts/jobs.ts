import { incidentKeys } from "./incident.js";
import { type AlertPlace, GLUE_ERROR_LOG_GROUP, glueJobRunUrl, linksOf, logGroupUrl, ownLogsLink } from "./links.js";
import type { Alert, AlertKind, AlertLink, AlertResolution } from "./model.js";

/** The `detail` of an EventBridge "Glue Job State Change" event (the part alerts need). */
export interface GlueJobStateDetail {
  jobName: string;
  state: string;
  jobRunId: string;
  message?: string;
}

const KIND_OF_STATE: Readonly<Record<string, AlertKind>> = {
  FAILED: "job_failed",
  ERROR: "job_failed",
  TIMEOUT: "job_timed_out",
  STOPPED: "job_stopped",
};

/** The console page of the run and its error log stream in AWS; the run logs folder offline. */
function jobRunLinks(place: AlertPlace, detail: GlueJobStateDetail): AlertLink[] {
  if (place.kind === "local") return linksOf(ownLogsLink(place, "Run logs"));
  return [
    { label: "Glue job run", url: glueJobRunUrl(place.region, detail.jobName, detail.jobRunId) },
    { label: "Error log", url: logGroupUrl(place.region, GLUE_ERROR_LOG_GROUP, detail.jobRunId) },
  ];
}

/**
 * The alert for a transform run that FAILED, TIMED OUT or was STOPPED, or undefined for any other state. One
 * incident per job, so a job failing tick after tick updates one message, and its next successful run resolves it.
 * e.g. `jobRunAlert({ jobName: "t", state: "TIMEOUT", jobRunId: "jr_1" }, place, at)?.kind` → `job_timed_out`.
 */
export function jobRunAlert(detail: GlueJobStateDetail, place: AlertPlace, at: string): Alert | undefined {
  const kind = KIND_OF_STATE[detail.state];
  if (kind === undefined) return undefined;
  const message = detail.message?.trim();
  return {
    type: "alert",
    kind,
    severity: kind === "job_stopped" ? "warning" : "error",
    incidentKey: incidentKeys.job(detail.jobName),
    source: "transform",
    summary: `Transform run ${detail.jobRunId} ${detail.state}`,
    detail:
      message && message.length > 0
        ? message
        : `the Glue job ${detail.jobName} ended ${detail.state}; its dirty markers are taken again by the next run`,
    facts: [
      { label: "Job", value: detail.jobName },
      { label: "Job run", value: detail.jobRunId },
      { label: "State", value: detail.state },
    ],
    reasons: [],
    links: jobRunLinks(place, detail),
    at,
  };
}

/** A run of the job succeeded after failures: the transform works again. */
export function jobRecovered(detail: GlueJobStateDetail, at: string): AlertResolution {
  return {
    type: "resolved",
    kind: "job_failed",
    incidentKey: incidentKeys.job(detail.jobName),
    source: "transform",
    summary: `Transform run ${detail.jobRunId} SUCCEEDED: the job ${detail.jobName} runs again`,
    facts: [{ label: "Job run", value: detail.jobRunId }],
    links: [],
    at,
  };
}

/** What the merge knows when it fails. */
export interface MergeFailure {
  jobName: string;
  jobRunId: string;
  /** Undefined when the run id itself could not be found. */
  runId?: string;
  /** The error's message (for a rolled-back merge, the database's). */
  message: string;
}

/** The alert for a merge that failed and was rolled back (or could not start): one incident per job. */
export function mergeFailedAlert(failure: MergeFailure, place: AlertPlace, at: string): Alert {
  return {
    type: "alert",
    kind: "merge_failed",
    severity: "error",
    incidentKey: incidentKeys.merge(failure.jobName),
    source: "merge",
    summary: `Merge of run ${failure.runId ?? failure.jobRunId} failed`,
    detail: failure.message,
    facts: [
      { label: "Job", value: failure.jobName },
      { label: "Job run", value: failure.jobRunId },
      ...(failure.runId === undefined ? [] : [{ label: "Run", value: failure.runId }]),
    ],
    reasons: [],
    links: linksOf(ownLogsLink(place, "Merge logs")),
    at,
  };
}

/** A later merge succeeded: the warehouse takes runs again. */
export function mergeRecovered(jobName: string, runId: string, at: string): AlertResolution {
  return {
    type: "resolved",
    kind: "merge_failed",
    incidentKey: incidentKeys.merge(jobName),
    source: "merge",
    summary: `Run ${runId} merged into the warehouse: merges of ${jobName} work again`,
    facts: [{ label: "Run", value: runId }],
    links: [],
    at,
  };
}
