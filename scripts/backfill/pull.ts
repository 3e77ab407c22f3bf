import type { Interval } from "@market-data/core/bar";
import type { ObjectStore } from "@market-data/core/ports";
import { periodStart, providerRawKey } from "@market-data/core/providers/raw-key";
import { type DateRange, PROVIDER_ERROR, type ProviderId, type ProviderSlice } from "@market-data/core/providers/types";
import type { IngestProvider } from "../../packages/functions/src/ingest/tick.ts";
import { ProviderError } from "../../packages/functions/src/providers/errors.ts";
import type { Counts, ProgressLine } from "./progress.ts";

export interface PullResult {
  provider: ProviderId;
  symbol: string;
  key?: string;
  status: "uploaded" | "skipped" | "failed" | "planned";
  error?: string;
}

export interface PullOptions {
  providers: ReadonlyMap<ProviderId, IngestProvider>;
  store: ObjectStore;
  interval: Interval;
  range: DateRange | undefined;
  concurrency: number;
  counts: Counts;
  progress: ProgressLine;
  signal: AbortSignal;
  dryRun: boolean;
  now: number;
}

interface Planned {
  provider: IngestProvider;
  slice: ProviderSlice;
  key: string;
}

/**
 * Provider history into raw/: every slice of every symbol (Alpha Vantage month slices, CoinGecko 90-day chunks)
 * whose raw object is not there yet is fetched through the client — inside its rate budget, waiting when the budget
 * is spent rather than failing — and written untouched. Keys derive from the slice's period, so a rerun fetches
 * only what is missing and spends no budget on the rest.
 */
export async function pullProviders(
  targets: readonly { provider: ProviderId; symbols: readonly string[] }[],
  options: PullOptions,
): Promise<PullResult[]> {
  const results: PullResult[] = [];
  const planned: Planned[] = [];
  const period = periodStart(options.now, "1d");
  for (const target of targets) {
    const provider = options.providers.get(target.provider);
    for (const symbol of target.symbols) {
      if (provider === undefined) {
        results.push({ provider: target.provider, symbol, status: "failed", error: missingClient(target.provider) });
        continue;
      }
      try {
        for (const slice of provider.slices(symbol, options.interval, options.range)) {
          planned.push({ provider, slice, key: providerRawKey(slice, period) });
        }
      } catch (error) {
        results.push({ provider: target.provider, symbol, status: "failed", error: errorMessage(error) });
      }
    }
  }
  options.counts.total += planned.length + results.length;
  options.counts.failed += results.length;
  // One worker per symbol at a time, its slices in order: a symbol the provider does not know costs one call, not
  // one per month; the rate limiter spaces the calls of all workers.
  const bySymbol = new Map<string, Planned[]>();
  for (const item of planned) {
    const id = `${item.provider.id}:${item.slice.symbol}`;
    bySymbol.set(id, [...(bySymbol.get(id) ?? []), item]);
  }
  const groups = [...bySymbol.values()];
  let next = 0;
  const record = (result: PullResult) => {
    results.push(result);
    if (result.status === "uploaded" || result.status === "planned") options.counts.uploaded++;
    else if (result.status === "failed") options.counts.failed++;
    else options.counts.skipped++;
    options.progress.note = waitingNote(options.providers, Date.now());
    options.progress.tick();
  };
  const worker = async () => {
    while (!options.signal.aborted && next < groups.length) {
      const group = groups[next++] ?? [];
      let unknown: string | undefined;
      for (const item of group) {
        if (options.signal.aborted) break;
        const base = { provider: item.provider.id, symbol: item.slice.symbol, key: item.key };
        const result = unknown ? { ...base, status: "failed" as const, error: unknown } : await pullOne(item, options);
        if (result.unknown) unknown = result.error;
        record(result);
      }
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, groups.length));
  const timer = setInterval(() => {
    options.progress.note = waitingNote(options.providers, Date.now());
    options.progress.tick();
  }, 1000);
  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    clearInterval(timer);
  }
  return results;
}

async function pullOne(
  { provider, slice, key }: Planned,
  options: PullOptions,
): Promise<PullResult & { unknown?: boolean }> {
  const base = { provider: provider.id, symbol: slice.symbol, key };
  try {
    if ((await options.store.head(key)) !== undefined) return { ...base, status: "skipped" };
    if (options.dryRun) return { ...base, status: "planned" };
    const payload = await provider.fetchSlice(slice, { signal: options.signal });
    await options.store.put(key, payload.body, { contentType: "application/json" });
    options.counts.bytesDone += payload.body.length;
    options.counts.bytesUploaded += payload.body.length;
    options.counts.bytesTotal += payload.body.length;
    return { ...base, status: "uploaded" };
  } catch (error) {
    const unknown = error instanceof ProviderError && error.code === PROVIDER_ERROR.unknownSymbol;
    return { ...base, status: "failed", error: errorMessage(error), unknown };
  }
}

/** "waiting for alphavantage's rate budget until 14:32:05" while a limiter holds callers. */
function waitingNote(providers: ReadonlyMap<ProviderId, IngestProvider>, now: number): string {
  const notes: string[] = [];
  for (const [id, provider] of providers) {
    const at = provider.limiter.nextAllowed();
    if (provider.limiter.waiting > 0 && at > now + 1000) {
      notes.push(`waiting for ${id}'s rate budget until ${new Date(at).toISOString().slice(0, 19).replace("T", " ")}Z`);
    }
  }
  return notes.join(" · ");
}

function errorMessage(error: unknown): string {
  if (error instanceof ProviderError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

function missingClient(provider: ProviderId): string {
  return provider === "alphavantage"
    ? "no Alpha Vantage client: set ALPHA_VANTAGE_API_KEY (a free key: https://www.alphavantage.co/support/#api-key)"
    : `no ${provider} client`;
}
