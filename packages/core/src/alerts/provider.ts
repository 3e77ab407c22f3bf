import { PROVIDER_ERROR } from "../providers/types.js";
import { incidentKeys } from "./incident.js";
import type { Alert, AlertResolution, AlertSeverity } from "./model.js";

/** A provider failing one symbol tick after tick, as the ingest schedule sees it. */
export interface ProviderFailure {
  provider: string;
  symbol: string;
  /** A `PROVIDER_ERROR` code, e.g. `PROVIDER_THROTTLED`. */
  code: string;
  severity: AlertSeverity;
  /** The schedule's one-line account, e.g. `alphavantage has failed MSFT on 3 consecutive ticks: …`. */
  summary: string;
  lastError: string;
  consecutiveFailures: number;
  /** When the streak began (ISO-8601). */
  since: string;
  /** Where the schedule remembers the symbol. */
  stateKey: string;
}

/**
 * The alert for a provider failing a symbol: `provider_throttled` when the provider rate-limits the pulls, else
 * `provider_failing` (unknown symbol, bad answers, outages). One incident per provider and symbol.
 */
export function providerAlert(failure: ProviderFailure, at: string): Alert {
  return {
    type: "alert",
    kind: failure.code === PROVIDER_ERROR.throttled ? "provider_throttled" : "provider_failing",
    severity: failure.severity,
    incidentKey: incidentKeys.provider(failure.provider, failure.symbol),
    source: "ingest",
    summary: failure.summary,
    detail: failure.lastError,
    facts: [
      { label: "Provider", value: failure.provider },
      { label: "Symbol", value: failure.symbol },
      { label: "Error", value: failure.code },
      { label: "Consecutive failures", value: String(failure.consecutiveFailures) },
      { label: "Since", value: failure.since },
      { label: "State", value: failure.stateKey },
    ],
    reasons: [],
    links: [],
    at,
  };
}

/** The end of an alerted failing streak, as the ingest schedule sees it: the symbol was pulled again. */
export interface ProviderRecovery {
  provider: string;
  symbol: string;
  /** The streak's last `PROVIDER_ERROR` code: names the incident kind the alert had. */
  code: string;
  consecutiveFailures: number;
  /** When the streak began (ISO-8601). */
  since: string;
}

/** A symbol the provider serves again: resolves the provider alert of its streak (same incident key). */
export function providerRecovered(recovery: ProviderRecovery, at: string): AlertResolution {
  const ticks = recovery.consecutiveFailures === 1 ? "tick" : "ticks";
  return {
    type: "resolved",
    kind: recovery.code === PROVIDER_ERROR.throttled ? "provider_throttled" : "provider_failing",
    incidentKey: incidentKeys.provider(recovery.provider, recovery.symbol),
    source: "ingest",
    summary: `${recovery.provider} serves ${recovery.symbol} again after ${recovery.consecutiveFailures} failed ${ticks}`,
    facts: [
      { label: "Provider", value: recovery.provider },
      { label: "Symbol", value: recovery.symbol },
      { label: "Failing since", value: recovery.since },
    ],
    links: [],
    at,
  };
}
