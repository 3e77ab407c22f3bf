import { ALPHA_VANTAGE_FREE_TIER, COINGECKO_FREE_TIER, type RateBudgets } from "@market-data/core/providers/budget";
import type { ProviderId } from "@market-data/core/providers/types";
import { alphaVantageClient } from "./alphavantage.js";
import type { ProviderClient } from "./client.js";
import type { Clock } from "./clock.js";
import { COINGECKO_PLANS, type CoinGeckoPlan, coinGeckoClient } from "./coingecko.js";
import type { ProviderLogger } from "./types.js";

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The provider clients the environment configures, by provider:
 * - Alpha Vantage when a key is set: `ALPHA_VANTAGE_API_KEY`, or the linked SST secret `AlphaVantageApiKey`;
 *   `ALPHA_VANTAGE_BASE_URL`, `ALPHA_VANTAGE_PER_MINUTE` / `ALPHA_VANTAGE_PER_DAY` (default 5 / 25, the free tier).
 * - CoinGecko always (the public API without a key): `COINGECKO_API_KEY` (or the secret `CoinGeckoApiKey`),
 *   `COINGECKO_PLAN` (public | demo | pro), `COINGECKO_BASE_URL`, `COINGECKO_PER_MINUTE` (default 30).
 * - Both: `PROVIDER_TIMEOUT_MS` (default 30000), `PROVIDER_MAX_ATTEMPTS` (default 5).
 */
export function providersFromEnv(
  env: Env,
  options: { clock?: Clock; logger?: ProviderLogger } = {},
): Map<ProviderId, ProviderClient> {
  const common = {
    ...options,
    timeoutMs: count(env, "PROVIDER_TIMEOUT_MS") ?? 30_000,
    retry: { maxAttempts: count(env, "PROVIDER_MAX_ATTEMPTS") ?? 5 },
  };
  const providers = new Map<ProviderId, ProviderClient>();
  const avKey = secret(env, "ALPHA_VANTAGE_API_KEY", "AlphaVantageApiKey");
  if (avKey !== undefined) {
    providers.set(
      "alphavantage",
      alphaVantageClient({
        ...common,
        apiKey: avKey,
        budgets: budgets(env, "ALPHA_VANTAGE", ALPHA_VANTAGE_FREE_TIER),
        ...(env.ALPHA_VANTAGE_BASE_URL ? { baseUrl: env.ALPHA_VANTAGE_BASE_URL } : {}),
      }),
    );
  }
  const cgKey = secret(env, "COINGECKO_API_KEY", "CoinGeckoApiKey");
  const plan = env.COINGECKO_PLAN;
  if (plan !== undefined && plan !== "" && !(plan in COINGECKO_PLANS)) {
    throw new Error(`COINGECKO_PLAN must be one of ${Object.keys(COINGECKO_PLANS).join(", ")} (got "${plan}")`);
  }
  providers.set(
    "coingecko",
    coinGeckoClient({
      ...common,
      budgets: budgets(env, "COINGECKO", COINGECKO_FREE_TIER),
      ...(cgKey === undefined ? {} : { apiKey: cgKey }),
      ...(plan ? { plan: plan as CoinGeckoPlan } : {}),
      ...(env.COINGECKO_BASE_URL ? { baseUrl: env.COINGECKO_BASE_URL } : {}),
    }),
  );
  return providers;
}

/**
 * A credential from a plain variable or from a linked SST secret, which SST hands to a function as
 * `SST_RESOURCE_<Name>` = `{"type":"sst.sst.Secret","value":"…"}`.
 */
export function secret(env: Env, variable: string, linkName: string): string | undefined {
  const plain = env[variable];
  if (plain !== undefined && plain !== "") return plain;
  const linked = env[`SST_RESOURCE_${linkName}`];
  if (linked === undefined || linked === "") return undefined;
  try {
    const value = (JSON.parse(linked) as { value?: unknown }).value;
    return typeof value === "string" && value !== "" ? value : undefined;
  } catch {
    // Never echo the variable: it holds the secret.
    throw new Error(`SST_RESOURCE_${linkName} is not the JSON SST writes for a linked secret`);
  }
}

function budgets(env: Env, prefix: string, fallback: RateBudgets): RateBudgets {
  const perMinute = count(env, `${prefix}_PER_MINUTE`) ?? fallback.perMinute;
  const perDay = count(env, `${prefix}_PER_DAY`) ?? fallback.perDay;
  return { ...(perMinute === undefined ? {} : { perMinute }), ...(perDay === undefined ? {} : { perDay }) };
}

function count(env: Env, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text.trim() === "") return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number ≥ 1 (got "${text}")`);
  return n;
}
