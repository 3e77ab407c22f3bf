import type { ObjectStore } from "@market-data/core/ports";
import { providerControlKeys } from "@market-data/core/providers/raw-key";
import type { ProviderErrorCode, ProviderId } from "@market-data/core/providers/types";

/**
 * What the schedule remembers of a symbol that is not well: a failing streak, or "unknown to the provider".
 * A healthy symbol has no state object (a success deletes it), so a tick lists only the troubled ones.
 */
export interface SymbolState {
  provider: ProviderId;
  symbol: string;
  status: "failing" | "unknown";
  consecutiveFailures: number;
  /** First failure of the streak. */
  since: string;
  lastError: { code: ProviderErrorCode; message: string; at: string };
  /** The streak's alert was raised (raise once per streak, not every tick). */
  alerted: boolean;
}

/** Every state of a provider's symbols, by symbol. */
export async function readStates(objects: ObjectStore, provider: ProviderId): Promise<Map<string, SymbolState>> {
  const states = new Map<string, SymbolState>();
  for await (const info of objects.list(providerControlKeys.symbols(provider))) {
    const bytes = await objects.getBytes(info.key);
    if (bytes === undefined) continue;
    const state = JSON.parse(new TextDecoder().decode(bytes)) as SymbolState;
    states.set(state.symbol, state);
  }
  return states;
}

export async function writeState(objects: ObjectStore, state: SymbolState): Promise<void> {
  await objects.put(providerControlKeys.symbol(state.provider, state.symbol), JSON.stringify(state, null, 2), {
    contentType: "application/json",
  });
}

export async function clearState(objects: ObjectStore, provider: ProviderId, symbol: string): Promise<void> {
  await objects.delete(providerControlKeys.symbol(provider, symbol));
}

/** Calls spent on a UTC day, carried between runs so a daily budget holds across Lambda invocations. */
export async function readUsage(
  objects: ObjectStore,
  provider: ProviderId,
  day: string,
): Promise<{ day: string; count: number }> {
  const bytes = await objects.getBytes(providerControlKeys.usage(provider, day));
  if (bytes === undefined) return { day, count: 0 };
  const { count } = JSON.parse(new TextDecoder().decode(bytes)) as { count?: unknown };
  return { day, count: typeof count === "number" && count >= 0 ? count : 0 };
}

export async function writeUsage(
  objects: ObjectStore,
  provider: ProviderId,
  spent: { day: string; count: number },
): Promise<void> {
  await objects.put(providerControlKeys.usage(provider, spent.day), JSON.stringify(spent), {
    contentType: "application/json",
  });
}
