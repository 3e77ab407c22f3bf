/** The indicator columns the demo shows, as `printIndicators` (./indicators.ts) prints them. */
const SHOWN = ["sma_20", "ema_12", "macd", "rsi_14", "bb_upper", "bb_lower", "volatility_20"] as const;

type Row = Record<string, unknown>;

/**
 * The last daily bar per symbol with its indicators, read back from the warehouse through the API
 * (`/v1/bars/{symbol}` and `/v1/indicators/{symbol}`, newest first, one row each): the same row shape as
 * `printIndicators` expects. Symbols the warehouse does not hold are left out.
 */
export async function lastIndicatorsViaApi(
  apiUrl: string,
  symbols: readonly string[],
  apiKey?: string,
): Promise<Row[]> {
  const headers: Record<string, string> = apiKey ? { "x-api-key": apiKey } : {};
  const get = async (path: string): Promise<Row> => {
    const response = await fetch(`${apiUrl}${path}`, { headers });
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Row;
  };
  const rows: Row[] = [];
  for (const symbol of symbols) {
    const name = encodeURIComponent(symbol);
    const bars = (await get(`/v1/bars/${name}?interval=1d&order=desc&limit=1`)).bars as Row[];
    const indicators = (await get(`/v1/indicators/${name}?interval=1d&order=desc&limit=1&columns=${SHOWN.join(",")}`))
      .rows as Row[];
    const [bar] = bars;
    if (bar === undefined) continue;
    rows.push({ symbol, ...bar, ...(indicators[0] ?? {}) });
  }
  return rows;
}
