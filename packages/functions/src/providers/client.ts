import type { Interval } from "@market-data/core/bar";
import type { Failure } from "@market-data/core/providers/answer";
import { fullJitterDelay } from "@market-data/core/providers/backoff";
import { nextUtcMidnight } from "@market-data/core/providers/budget";
import { redactSecrets } from "@market-data/core/providers/redact";
import {
  type Classification,
  type DateRange,
  type HttpAnswer,
  PROVIDER_ERROR,
  type ProviderId,
  type ProviderSlice,
} from "@market-data/core/providers/types";
import { type Clock, systemClock } from "./clock.js";
import { ProviderError } from "./errors.js";
import { type HttpResponse, httpGet } from "./http.js";
import type { RateLimiter } from "./rate-limiter.js";
import type { BarProvider, FetchOptions, ProviderLogger, RawPayload } from "./types.js";
import { silentLogger } from "./types.js";

/** What differs between providers: naming, URLs, credentials and reading answers. */
export interface ProviderSpec {
  id: ProviderId;
  /** For messages: `Alpha Vantage`. */
  name: string;
  plan(symbol: string, interval: Interval, range: DateRange | undefined, now: number): ProviderSlice[] | Failure;
  /** The URL to send, credentials included when the provider wants them in the query. */
  url(slice: ProviderSlice): string;
  headers(): Record<string, string>;
  classify(answer: HttpAnswer, slice: ProviderSlice, now: number): Classification;
  /** Values no log line or error message may contain. */
  secrets: readonly string[];
}

/** Retry policy: exponential backoff with full jitter, at most `maxAttempts` tries of one request. */
export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  capMs: number;
}

export const DEFAULT_RETRY = { maxAttempts: 5, baseMs: 1_000, capMs: 60_000 } as const satisfies RetryPolicy;

/** How many times a request may wait for the provider's next day before it is reported (a budget that never resets). */
const MAX_DAY_WAITS = 3;

export interface ClientOptions {
  limiter: RateLimiter;
  clock?: Clock;
  retry?: Partial<RetryPolicy>;
  /** Per attempt, headers and body. Default 30 s. */
  timeoutMs?: number;
  logger?: ProviderLogger;
  /** The jitter's randomness (tests pin it). */
  random?: () => number;
}

/**
 * A provider client: every attempt takes a slot of the rate limiter, is classified, and is retried with backoff
 * when retryable (throttled, 5xx, timeout, reset) up to the cap; a throttle pauses the whole limiter so queued
 * requests do not spend more calls into it, and a daily throttle waits for the provider's next day.
 */
export class ProviderClient implements BarProvider {
  readonly id: ProviderId;
  private readonly clock: Clock;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly logger: ProviderLogger;
  private readonly random: () => number;

  constructor(
    private readonly spec: ProviderSpec,
    private readonly options: ClientOptions,
  ) {
    this.id = spec.id;
    this.clock = options.clock ?? systemClock;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.logger = options.logger ?? silentLogger;
    this.random = options.random ?? Math.random;
  }

  get limiter(): RateLimiter {
    return this.options.limiter;
  }

  slices(symbol: string, interval: Interval, range?: DateRange): ProviderSlice[] {
    const plan = this.spec.plan(symbol, interval, range, this.clock.now());
    if (!Array.isArray(plan)) {
      throw new ProviderError(plan.code, this.safe(plan.reason), { provider: this.id, symbol, attempts: 0 });
    }
    return plan;
  }

  async fetchBars(
    symbol: string,
    interval: Interval,
    range?: DateRange,
    options?: FetchOptions,
  ): Promise<RawPayload[]> {
    const payloads: RawPayload[] = [];
    for (const slice of this.slices(symbol, interval, range)) payloads.push(await this.fetchSlice(slice, options));
    return payloads;
  }

  async fetchSlice(slice: ProviderSlice, options: FetchOptions = {}): Promise<RawPayload> {
    const url = this.spec.url(slice);
    const at = { provider: this.id, symbol: slice.symbol, period: slice.period, url: this.safe(url) };
    let dayWaits = 0;
    for (let attempt = 1; ; attempt++) {
      await this.options.limiter.acquire(options);
      this.logger.debug("provider request", { ...at, attempt });
      const result = await this.attempt(url, slice, options.signal);
      const now = this.clock.now();
      if (result.ok) {
        return {
          slice,
          body: result.response.body,
          contentType: result.response.contentType || "application/json",
          url: at.url,
          fetchedAt: new Date(now).toISOString(),
          attempts: attempt,
        };
      }
      const { failure } = result;
      const error = new ProviderError(failure.code, this.safe(failure.reason), {
        provider: this.id,
        symbol: slice.symbol,
        attempts: attempt,
        ...(result.status === undefined ? {} : { status: result.status }),
      });
      const giveUp = (why: string) => {
        const message = `${error.message}${why}`;
        this.logger.error("provider request failed", { ...at, code: error.code, attempts: attempt, reason: message });
        return new ProviderError(error.code, message, error.details);
      };
      if (failure.code === PROVIDER_ERROR.throttled && failure.window === "day" && dayWaits < MAX_DAY_WAITS) {
        // The provider's day is spent: everyone waits for the next one. Not an attempt against the cap; a
        // deadline (the limiter's) still ends the wait.
        dayWaits++;
        attempt--;
        this.options.limiter.pauseUntil(nextUtcMidnight(now));
        this.logger.warn("provider daily budget exhausted; waiting for the next day", {
          ...at,
          code: failure.code,
          reason: error.message,
          resumeAt: new Date(nextUtcMidnight(now)).toISOString(),
        });
        continue;
      }
      if (!error.retryable) throw giveUp("");
      if (attempt >= this.retry.maxAttempts) throw giveUp(` (gave up after ${attempt} attempts)`);
      const delay = Math.max(fullJitterDelay(attempt, this.retry, this.random), failure.retryAfterMs ?? 0);
      if (
        failure.code !== PROVIDER_ERROR.throttled &&
        options.deadline !== undefined &&
        now + delay > options.deadline
      ) {
        throw giveUp(` (gave up after ${attempt} attempts: the run's deadline comes before the next one)`);
      }
      this.logger.warn("provider request failed; retrying", {
        ...at,
        code: error.code,
        attempt,
        delayMs: delay,
        reason: error.message,
      });
      // A throttle is the provider's, not this request's: it holds every queued call (the limiter waits, and a
      // deadline ends the wait). Any other failure is this request's alone.
      if (failure.code === PROVIDER_ERROR.throttled) this.options.limiter.pauseUntil(now + delay);
      else await this.clock.sleep(delay, options.signal);
    }
  }

  /** One request and what its answer is: the response when it is data, else the failure (no answer counts as 5xx). */
  private async attempt(
    url: string,
    slice: ProviderSlice,
    signal: AbortSignal | undefined,
  ): Promise<{ ok: true; response: HttpResponse } | { ok: false; failure: Failure; status?: number }> {
    const response = await httpGet(url, { headers: this.spec.headers(), timeoutMs: this.timeoutMs, signal });
    if (!response.ok) {
      const reason = `${this.spec.name}: ${response.reason}`;
      return { ok: false, failure: { ok: false, code: PROVIDER_ERROR.unavailable, reason } };
    }
    const verdict = this.spec.classify(this.answerOf(response), slice, this.clock.now());
    return verdict.ok ? { ok: true, response } : { ok: false, failure: verdict, status: response.status };
  }

  private answerOf(answer: {
    status: number;
    contentType: string;
    retryAfter: string | null;
    body: Uint8Array;
  }): HttpAnswer {
    return {
      status: answer.status,
      contentType: answer.contentType,
      retryAfter: answer.retryAfter,
      text: new TextDecoder("utf-8").decode(answer.body),
    };
  }

  /** Text with every credential masked: applied to anything that reaches a log line or an error. */
  private safe(text: string): string {
    return redactSecrets(text, this.spec.secrets);
  }
}
