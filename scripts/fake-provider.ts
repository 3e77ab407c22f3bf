// `tsx scripts/fake-provider.ts [--port 8787] [--today YYYY-MM-DD] [--unknown NOPE,…] [--api-key K]`: the fake
// market-data provider on loopback, for `npm start` / `npm run backfill` without real keys. Faults on demand:
// `curl -XPOST localhost:8787/_fake/faults -d '{"fault":"throttle","times":3}'`; requests seen: GET /_fake/requests.
import { parseArgs } from "node:util";
import { FAULTS, startFakeProvider } from "./fake-provider/server.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8787" },
    today: { type: "string" },
    unknown: { type: "string" },
    "api-key": { type: "string" },
  },
});
const fake = await startFakeProvider({
  port: Number(values.port),
  ...(values.today ? { today: values.today } : {}),
  ...(values.unknown ? { unknown: values.unknown.split(",") } : {}),
  ...(values["api-key"] ? { apiKey: values["api-key"] } : {}),
});
console.log(`fake provider on ${fake.url}
  ALPHA_VANTAGE_BASE_URL=${fake.alphaVantageUrl} ALPHA_VANTAGE_API_KEY=${values["api-key"] ?? "demo"}
  COINGECKO_BASE_URL=${fake.coinGeckoUrl}
  faults: POST ${fake.url}/_fake/faults {"fault": "${FAULTS.join(" | ")}", "times": 1, "provider"?, "symbol"?}`);
const stop = () => {
  void fake.close().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
