/** Daily bars of one symbol as CSV rows `date,open,high,low,close,volume`, on consecutive weekdays from 2024-01-02. */
export function dailyRows(count: number, start = Date.UTC(2024, 0, 2)): string[] {
  const rows: string[] = [];
  let day = start;
  let close = 100;
  while (rows.length < count) {
    const weekday = new Date(day).getUTCDay();
    if (weekday !== 0 && weekday !== 6) {
      const open = close;
      close = Math.round(open * (1 + Math.sin(rows.length) / 100) * 100) / 100;
      const high = Math.max(open, close) + 1;
      const low = Math.min(open, close) - 1;
      rows.push(`${new Date(day).toISOString().slice(0, 10)},${open},${high},${low},${close},${1000 + rows.length}`);
    }
    day += 86_400_000;
  }
  return rows;
}

/** A `symbol,date,…` CSV with `count` good AAPL rows followed by the given extra lines. */
export function symbolCsv(count: number, extra: readonly string[] = [], eol = "\n"): string {
  const lines = ["symbol,date,open,high,low,close,volume", ...dailyRows(count).map((row) => `AAPL,${row}`), ...extra];
  return `${lines.join(eol)}${eol}`;
}
