import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import type { Alert, AlertKind } from "./model.js";

/**
 * The source a raw object belongs to, so that a later object of the same source can resolve an incident: a
 * provider pull's folder without its date partition (pulls of the same symbol land under new dated keys), or the
 * key itself for a dropped file (re-dropping a fixed file under the same name).
 * e.g. `raw/alphavantage/daily/symbol=IBM/date=2024-06-28/IBM-20240628T000000Z.json` → `raw/alphavantage/daily/symbol=IBM/`,
 * `raw/demo/csv/AAPL.csv` → `raw/demo/csv/AAPL.csv`.
 */
export function rawSourceOf(rawKey: string): string {
  const parts = rawKey.split("/");
  const folders = parts.slice(0, -1).filter((part) => !/^(date|year|month|day)=/.test(part));
  const pulled = folders.some((part) => part.startsWith("symbol="));
  return pulled ? `${folders.join("/")}/` : [...folders, parts[parts.length - 1]].join("/");
}

/** Incident keys: one builder per incident, so the raiser and the resolver always agree. */
export const incidentKeys = {
  /** A source failing the quality gate (or delivering a provider's throttle notice instead of data). */
  quality: (rawKey: string) => `quality:${rawSourceOf(rawKey)}`,
  /** A job's runs failing, timing out or being stopped: one incident until a run succeeds. */
  job: (jobName: string) => `job:${jobName}`,
  /** Merges of a job's runs into the warehouse failing. */
  merge: (jobName: string) => `merge:${jobName}`,
  /** Messages dead-lettered by a queue. */
  deadLetters: (queue: string) => `dlq:${queue}`,
  /** A CloudWatch alarm in ALARM. */
  alarm: (alarmName: string) => `alarm:${alarmName}`,
  /** One symbol's provider failures. */
  provider: (provider: string, symbol: string) => `provider:${provider}:${symbol}`,
  /**
   * A set of stale symbols, order-independent; long sets are hashed so the key stays short.
   * e.g. `["MSFT", "AAPL"]` → `stale:AAPL,MSFT`.
   */
  stale: (symbols: readonly string[]) => {
    const sorted = [...new Set(symbols)].sort();
    const joined = sorted.join(",");
    return joined.length <= 160 ? `stale:${joined}` : `stale:${sorted.length}:${shortHash(joined)}`;
  },
} as const;

/** 32 hex characters of SHA-256: names a ledger entry after an incident key of any length or alphabet. */
export function shortHash(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text))).slice(0, 32);
}

/** What the alert deliverer remembers of one open incident. */
export interface IncidentRecord {
  incidentKey: string;
  kind: AlertKind;
  summary: string;
  openedAt: string;
  lastSeenAt: string;
  /** Alerts received for the incident so far (1 on the first). */
  occurrences: number;
  /** Where the incident's Slack message is, once posted: `chat.update` and thread replies go there. */
  slack?: { channel: string; ts: string };
  /**
   * Set by the deliverer that claimed a new incident and is posting its first message (ISO instant), until the
   * message's place is recorded: a second alert of the incident arriving meanwhile waits for it instead of
   * posting a second message.
   */
  postingSince?: string;
}

/**
 * Open incidents, by incident key: written by whoever delivers alerts to people (the slack function in AWS, the
 * offline notifier locally), read by publishers that can tell cheaply whether a success resolves one.
 * An S3 / folder object per incident under `_control/alerts/incidents/`; in memory in tests.
 */
export interface IncidentLedger {
  get(incidentKey: string): Promise<IncidentRecord | undefined>;
  put(record: IncidentRecord): Promise<void>;
  /**
   * Records a new incident unless one with its key is recorded already; of callers racing on one key, exactly one
   * gets true. e.g. `if (await ledger.open(claim)) post()` else wait for the winner's message.
   */
  open(record: IncidentRecord): Promise<boolean>;
  /** Forgets an incident (resolved): the next alert with its key opens a new one. */
  delete(incidentKey: string): Promise<void>;
  /** Every open incident, optionally of one kind. */
  list(kind?: AlertKind): Promise<IncidentRecord[]>;
}

/** The read side publishers need. */
export type IncidentReader = Pick<IncidentLedger, "get" | "list">;

/** Where the ledger keeps an incident: `_control/alerts/incidents/<sha256 of the key>.json`. */
export const INCIDENTS_PREFIX = "_control/alerts/incidents/";
export const incidentRecordKey = (incidentKey: string) => `${INCIDENTS_PREFIX}${shortHash(incidentKey)}.json`;

/**
 * The ledger record after another alert of an incident: a new record for the first (or after a resolution), else
 * the same incident seen once more, its summary the latest.
 */
export function incidentAfter(previous: IncidentRecord | undefined, alert: Alert): IncidentRecord {
  if (previous === undefined) {
    return {
      incidentKey: alert.incidentKey,
      kind: alert.kind,
      summary: alert.summary,
      openedAt: alert.at,
      lastSeenAt: alert.at,
      occurrences: 1,
    };
  }
  return {
    ...previous,
    kind: alert.kind,
    summary: alert.summary,
    lastSeenAt: alert.at,
    occurrences: previous.occurrences + 1,
  };
}
