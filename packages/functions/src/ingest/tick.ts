import type { ObjectStore } from "@market-data/core/ports";
import { periodStart, providerControlKeys, providerRawKey, utcDay } from "@market-data/core/providers/raw-key";
import { PROVIDER_ERROR, type ProviderErrorCode, type ProviderId } from "@market-data/core/providers/types";
import { type Clock, systemClock } from "../providers/clock.js";
import { BudgetDeferredError, ProviderError } from "../providers/errors.js";
import type { RateLimiter } from "../providers/rate-limiter.js";
import type { BarProvider, ProviderLogger } from "../providers/types.js";
import type { OnProviderAlert, OnProviderRecovered, ProviderAlert } from "./alerts.js";
import { type IngestConfig, IngestConfigError, type SourceConfig } from "./config.js";
import { clearState, readStates, readUsage, type SymbolState, writeState, writeUsage } from "./state.js";

/** A provider client as the schedule needs it: with the limiter its budget lives in (to carry the day's usage). */
export interface IngestProvider extends BarProvider {
  readonly limiter: RateLimiter;
}

export interface IngestDeps {
  objects: ObjectStore;
  providers: ReadonlyMap<ProviderId, IngestProvider>;
  onProviderAlert: OnProviderAlert;
  /** Called when a symbol whose failing streak was alerted is pulled again; absent, recoveries are only logged. */
  onProviderRecovered?: OnProviderRecovered;
  logger: ProviderLogger;
  clock?: Clock;
}

export interface TickOptions {
  /** The tick's instant (the schedule's time); default now. Only its period matters. */
  at?: number;
  /** No new provider call starts after this instant (a Lambda's remaining time); the rest is deferred. */
  deadline?: number;
}

/** What one symbol came to in a tick. */
export interface SymbolOutcome {
  provider: ProviderId;
  symbol: string;
  /**
   * `written`: fetched and stored; `present`: the period's object was already there (a re-run) or a concurrent
   * tick created it first; `deferred`: no
   * budget left before the deadline, the next tick takes it; `failed`: the provider failed it (retries exhausted or
   * not retryable); `unknown`: the provider does not know the symbol (reported once, then skipped); `fault`: the
   * bucket failed (an infrastructure fault: the tick throws after finishing the other symbols).
   */
  status: "written" | "present" | "deferred" | "failed" | "unknown" | "fault";
  keys: string[];
  error?: { code: string; message: string };
  /** A provider alert was raised for this symbol in this tick. */
  alerted?: boolean;
}

export interface IngestTickResult {
  at: string;
  outcomes: SymbolOutcome[];
}

/** The bucket failed during a tick. Thrown after every symbol had its turn, so one fault stops nothing else. */
export class IngestFaultError extends AggregateError {
  readonly code = "INGEST_FAULT";
  constructor(
    errors: unknown[],
    readonly result: IngestTickResult,
  ) {
    super(errors, `ingest tick: ${errors.length} infrastructure fault(s), first: ${String(errors[0])}`);
    this.name = "IngestFaultError";
  }
}

/**
 * One tick of the ingest schedule: for every configured provider and symbol, the newest bars of the tick's period,
 * within the provider's rate budget, written untouched to `raw/<provider>/…/date=…/<symbol>-<period>.json`, where
 * the bucket's notification takes them into the normal validate path. The key derives from the period, a key
 * already present is not fetched again, and a raw object is only ever created (`putIfAbsent`), never replaced, so a
 * re-run of the same tick, even one running at the same time, writes nothing twice.
 * A failing symbol never stops the others: its streak is remembered under `_control/providers/…` and raises one
 * provider alert when it reaches `alertAfterFailures`; a symbol the provider does not know is reported once and
 * then skipped until its state object is deleted.
 */
export async function runIngestTick(
  deps: IngestDeps,
  config: IngestConfig,
  options: TickOptions = {},
): Promise<IngestTickResult> {
  const clock = deps.clock ?? systemClock;
  const at = options.at ?? clock.now();
  // Checked before any work starts, so a misconfiguration fails the tick whole instead of half-way.
  const missing = config.sources.filter((source) => !deps.providers.has(source.provider)).map((s) => s.provider);
  if (missing.length > 0) {
    throw new IngestConfigError(
      `symbols are configured for ${missing.join(", ")} but no client is: set ALPHA_VANTAGE_API_KEY (or link the AlphaVantageApiKey secret)`,
    );
  }
  const faults: unknown[] = [];
  const perSource = await Promise.all(
    config.sources.map((source) => runSource(deps, config, source, { at, deadline: options.deadline, clock, faults })),
  );
  const result = { at: new Date(at).toISOString(), outcomes: perSource.flat() };
  const counts: Record<string, number> = {};
  for (const o of result.outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1;
  deps.logger.info("INGEST tick", { at: result.at, ...counts });
  if (faults.length > 0) throw new IngestFaultError(faults, result);
  return result;
}

interface RunContext {
  at: number;
  deadline: number | undefined;
  clock: Clock;
  faults: unknown[];
}

async function runSource(
  deps: IngestDeps,
  config: IngestConfig,
  source: SourceConfig,
  ctx: RunContext,
): Promise<SymbolOutcome[]> {
  const provider = deps.providers.get(source.provider);
  if (provider === undefined) return [];
  const states = await readStates(deps.objects, source.provider);
  const day = utcDay(ctx.clock.now());
  provider.limiter.restore(await readUsage(deps.objects, source.provider, day));
  const period = periodStart(ctx.at, source.period);
  const queue = [...source.symbols];
  const outcomes: SymbolOutcome[] = [];
  let saved = JSON.stringify(provider.limiter.spent());
  const worker = async () => {
    for (let symbol = queue.shift(); symbol !== undefined; symbol = queue.shift()) {
      outcomes.push(await pullSymbol(deps, config, provider, source, symbol, states.get(symbol), period, ctx));
      // Saved as calls are spent, not only at the end: a run cut short by its timeout still leaves the count.
      const spent = provider.limiter.spent();
      if (JSON.stringify(spent) !== saved) {
        saved = JSON.stringify(spent);
        await writeUsage(deps.objects, source.provider, spent).catch((e: unknown) => ctx.faults.push(e));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(config.concurrency, queue.length) }, worker));
  const order = new Map(source.symbols.map((s, i) => [s, i]));
  return outcomes.sort((a, b) => (order.get(a.symbol) ?? 0) - (order.get(b.symbol) ?? 0));
}

async function pullSymbol(
  deps: IngestDeps,
  config: IngestConfig,
  provider: IngestProvider,
  source: SourceConfig,
  symbol: string,
  state: SymbolState | undefined,
  period: number,
  ctx: RunContext,
): Promise<SymbolOutcome> {
  const base = { provider: source.provider, symbol };
  if (state?.status === "unknown") return { ...base, status: "unknown", keys: [] };
  const keys: string[] = [];
  try {
    let fetched = 0;
    for (const slice of provider.slices(symbol, source.interval)) {
      const key = providerRawKey(slice, period);
      keys.push(key);
      // Present already: a re-run spends no budget on it.
      if ((await deps.objects.head(key)) !== undefined) continue;
      const payload = await provider.fetchSlice(slice, ctx.deadline === undefined ? {} : { deadline: ctx.deadline });
      // A conditional create, not a put: a tick overlapping this one (a retry of a slow run) may have written the key
      // since the head, and its object stays, so the key gets one object and the pipeline one ObjectCreated event.
      if (await deps.objects.putIfAbsent(key, payload.body, { contentType: "application/json" })) fetched++;
    }
    if (state !== undefined) {
      // Announced before the state goes: a lost announcement (a notifier fault) is made again by the next tick.
      if (state.alerted && state.status === "failing") {
        await deps.onProviderRecovered?.({
          provider: source.provider,
          symbol,
          code: state.lastError.code,
          consecutiveFailures: state.consecutiveFailures,
          since: state.since,
        });
      }
      await clearState(deps.objects, source.provider, symbol);
      deps.logger.info("provider symbol recovered", { ...base, after: state.consecutiveFailures });
    }
    return { ...base, status: fetched > 0 ? "written" : "present", keys };
  } catch (error) {
    if (error instanceof BudgetDeferredError) {
      return { ...base, status: "deferred", keys, error: { code: error.code, message: error.message } };
    }
    if (error instanceof ProviderError) return recordFailure(deps, config, error, state, keys, ctx);
    ctx.faults.push(error);
    deps.logger.error("ingest fault", { ...base, error: String(error) });
    return { ...base, status: "fault", keys, error: { code: "FAULT", message: String(error) } };
  }
}

/** Remembers a failure and raises the alert it calls for (alert first: a lost state write repeats it, never loses it). */
async function recordFailure(
  deps: IngestDeps,
  config: IngestConfig,
  error: ProviderError,
  state: SymbolState | undefined,
  keys: string[],
  ctx: RunContext,
): Promise<SymbolOutcome> {
  const { provider, symbol } = error;
  const now = new Date(ctx.clock.now()).toISOString();
  const unknown = error.code === PROVIDER_ERROR.unknownSymbol;
  const consecutiveFailures = (state?.consecutiveFailures ?? 0) + 1;
  const raise = unknown || (consecutiveFailures >= config.alertAfterFailures && !state?.alerted);
  const next: SymbolState = {
    provider,
    symbol,
    status: unknown ? "unknown" : "failing",
    consecutiveFailures,
    since: state?.since ?? now,
    lastError: { code: error.code, message: error.message, at: now },
    alerted: raise || (state?.alerted ?? false),
  };
  const outcome: SymbolOutcome = {
    provider,
    symbol,
    status: unknown ? "unknown" : "failed",
    keys,
    error: { code: error.code, message: error.message },
    alerted: raise,
  };
  deps.logger.warn(unknown ? "provider does not know the symbol" : "provider symbol failed", {
    provider,
    symbol,
    code: error.code,
    consecutiveFailures,
    reason: error.message,
  });
  try {
    if (raise) await deps.onProviderAlert(alertOf(next, error.code));
    await writeState(deps.objects, next);
  } catch (fault) {
    ctx.faults.push(fault);
    return { ...outcome, status: "fault", alerted: false };
  }
  return outcome;
}

function alertOf(state: SymbolState, code: ProviderErrorCode): ProviderAlert {
  const unknown = state.status === "unknown";
  const stateKey = providerControlKeys.symbol(state.provider, state.symbol);
  return {
    kind: unknown ? "provider_symbol_unknown" : "provider_symbol_failing",
    severity: unknown ? "warning" : "error",
    incidentKey: `provider/${state.provider}/${state.symbol}/${unknown ? "unknown" : "failing"}`,
    provider: state.provider,
    symbol: state.symbol,
    summary: unknown
      ? `${state.provider} does not know ${state.symbol}; the schedule stops pulling it (delete ${stateKey} to try again)`
      : `${state.provider} has failed ${state.symbol} on ${state.consecutiveFailures} consecutive ticks: ${state.lastError.message}`,
    facts: {
      code,
      lastError: state.lastError.message,
      consecutiveFailures: state.consecutiveFailures,
      since: state.since,
      stateKey,
    },
  };
}
