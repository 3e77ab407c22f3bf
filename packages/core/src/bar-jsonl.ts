import type { AssetClass, Bar } from "./bar.js";

/** The lineage fields, the same for every bar of one raw object. */
export type BarLineage = Pick<Bar, "source" | "source_key" | "source_etag" | "ingested_at">;

/**
 * A curated JSONL line writer for the bars of one object: byte-for-byte `JSON.stringify(bar)`, but about
 * four times faster on the hot path, because the lineage tail is escaped once per object instead of once per
 * bar, and the other string fields are known to need no escaping (symbols, intervals and timestamps match
 * patterns of plain ASCII). e.g. `createBarSerializer(lineage)(bar)` → `{"symbol":"AAPL",…}`.
 */
export function createBarSerializer(lineage: BarLineage): (bar: Bar) => string {
  const tail =
    `,"source":${JSON.stringify(lineage.source)},"source_key":${JSON.stringify(lineage.source_key)}` +
    `,"source_etag":${JSON.stringify(lineage.source_etag)},"ingested_at":${JSON.stringify(lineage.ingested_at)}}`;
  const tails = new Map<string, string>();
  const tailOf = (currency: string | null, assetClass: AssetClass): string => {
    const id = `${currency}|${assetClass}`;
    let found = tails.get(id);
    if (found === undefined) {
      found = `,"currency":${JSON.stringify(currency)},"asset_class":${JSON.stringify(assetClass)}${tail}`;
      tails.set(id, found);
    }
    return found;
  };
  return (bar) => {
    if (
      bar.source !== lineage.source ||
      bar.source_key !== lineage.source_key ||
      bar.source_etag !== lineage.source_etag ||
      bar.ingested_at !== lineage.ingested_at
    ) {
      return JSON.stringify(bar); // not this object's bar: no shortcut
    }
    return (
      `{"symbol":"${bar.symbol}","interval":"${bar.interval}","ts":"${bar.ts}","trade_date":"${bar.trade_date}"` +
      `,"open":${bar.open},"high":${bar.high},"low":${bar.low},"close":${bar.close}` +
      `,"adj_close":${bar.adj_close},"volume":${bar.volume}${tailOf(bar.currency, bar.asset_class)}`
    );
  };
}
