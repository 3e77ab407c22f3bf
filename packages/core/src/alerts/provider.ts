import { PROVIDER_ERROR } from "../providers/types.js";
import { incidentKeys } from "./incident.js";
import type { Alert, AlertSeverity } from "./model.js";

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
