import type { ProviderErrorCode, ProviderId } from "@market-data/core/providers/types";
import { RETRYABLE_CODES } from "@market-data/core/providers/types";

/**
 * A provider failed to give the data: one family of errors with a stable `code` (core's PROVIDER_ERROR). The
 * message says what happened and never holds a credential (it is built from redacted text only).
 */
export class ProviderError extends Error {
  readonly retryable: boolean;

  constructor(
    readonly code: ProviderErrorCode,
    message: string,
    readonly details: {
      provider: ProviderId;
      symbol: string;
      /** HTTP status, when an answer came. */
      status?: number;
      /** Attempts made (1 = no retry). */
      attempts: number;
    },
  ) {
    super(message);
    this.name = "ProviderError";
    this.retryable = RETRYABLE_CODES.has(code);
  }

  get provider(): ProviderId {
    return this.details.provider;
  }

  get symbol(): string {
    return this.details.symbol;
  }
}

/**
 * The rate budget has no slot before the caller's deadline (a Lambda about to time out). Not a failure: the work
 * is simply not done yet and the next run takes it (nothing is dropped).
 */
export class BudgetDeferredError extends Error {
  readonly code = "PROVIDER_BUDGET_DEFERRED";

  constructor(
    /** When the next call could start (epoch ms). */
    readonly nextAt: number,
  ) {
    super(
      `the provider's rate budget has no call left before the deadline; the next one is possible at ${new Date(nextAt).toISOString()}`,
    );
    this.name = "BudgetDeferredError";
  }
}
