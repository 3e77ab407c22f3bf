SELECT TO_CHAR("ts", 'YYYY-MM-DD') || 'T' || TO_CHAR("ts", 'HH24:MI:SS') || 'Z' AS "ts", "close", "volume", "golden_cross", "sma_200"
FROM market_data.fct_bars
WHERE "symbol" = :symbol
  AND "interval" = :interval
  AND "ts" >= CAST(:from_ts AS TIMESTAMP)
  AND "ts" < CAST(:to_ts AS TIMESTAMP)
ORDER BY "ts" ASC
LIMIT 101;
