import type { ProviderRecovery } from "@market-data/core/alerts/provider";
import type { ProviderErrorCode, ProviderId } from "@market-data/core/providers/types";

/**
 * A provider alert, as the ingest schedule raises it: the schedule's own record of a failing streak. It becomes
 * the core alert model's `provider_throttled` / `provider_failing` alert (`providerAlert`) when published; see
 * notify-alerts.ts.
 */
export interface ProviderAlert {
  kind: "provider_symbol_failing" | "provider_symbol_unknown";
  severity: "warning" | "error";
  /** Stable for one incident (one symbol's failing streak), so a notifier can de-duplicate repeats. */
  incidentKey: string;
  provider: ProviderId;
  symbol: string;
  summary: string;
  facts: {
    code: ProviderErrorCode;
    lastError: string;
    consecutiveFailures: number;
    /** When the streak began (ISO-8601). */
    since: string;
    /** Where the schedule remembers the symbol: delete it to have the symbol pulled again. */
    stateKey: string;
  };
}

/** Where provider alerts go: the SNS topic in AWS, the console / alerts file offline, a list in tests. */
export type OnProviderAlert = (alert: ProviderAlert) => void | Promise<void>;

/** Where the end of an alerted streak goes (the same places): it resolves the streak's incident. */
export type OnProviderRecovered = (recovery: ProviderRecovery) => void | Promise<void>;
