import { BatchGetCommand, type DynamoDBDocumentClient, PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { LatestPrice, LatestPriceStore } from "@market-data/core/ports";
import { mapConcurrent } from "./concurrency.js";
import { bySymbol, newestPerSymbol, parseLatestPrice } from "./latest-price.js";

/** BatchGetItem takes at most 100 keys per call. */
export const BATCH_GET_LIMIT = 100;

// Attribute names go through placeholders so no attribute can collide with DynamoDB's reserved words.
const MONOTONIC_CONDITION = "attribute_not_exists(#symbol) OR #as_of < :as_of OR (#as_of = :as_of AND #ing <= :ing)";

export interface DynamoLatestPricesOptions {
  /** Conditional puts in flight at once (default 16). */
  concurrency?: number;
  /** Rounds of BatchGetItem before unprocessed keys become an error (default 8). */
  maxAttempts?: number;
  /** Waits between those rounds; injectable so tests need not sleep. */
  sleep?: (ms: number) => Promise<void>;
}

/** Latest prices in AWS: one item per symbol, written only forwards in time by a conditional put. */
export class DynamoLatestPrices implements LatestPriceStore {
  private readonly concurrency: number;
  private readonly maxAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly table: string,
    options: DynamoLatestPricesOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 16;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async upsert(prices: readonly LatestPrice[]): Promise<void> {
    await mapConcurrent(newestPerSymbol(prices), this.concurrency, (price) => this.putIfNewer(price));
  }

  async get(symbols: readonly string[]): Promise<LatestPrice[]> {
    // BatchGetItem rejects a request that names the same key twice.
    const unique = [...new Set(symbols)];
    const found: LatestPrice[] = [];
    for (let i = 0; i < unique.length; i += BATCH_GET_LIMIT) {
      found.push(...(await this.batchGet(unique.slice(i, i + BATCH_GET_LIMIT))));
    }
    return found.sort(bySymbol);
  }

  async all(): Promise<LatestPrice[]> {
    const found: LatestPrice[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(new ScanCommand({ TableName: this.table, ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) found.push(parseLatestPrice(item));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return found.sort(bySymbol);
  }

  /** One conditional PutItem. A failed condition means the stored price is already newer: not an error. */
  private async putIfNewer(price: LatestPrice): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...price },
          ConditionExpression: MONOTONIC_CONDITION,
          ExpressionAttributeNames: { "#symbol": "symbol", "#as_of": "as_of", "#ing": "ingested_at" },
          ExpressionAttributeValues: { ":as_of": price.as_of, ":ing": price.ingested_at },
        }),
      );
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
    }
  }

  /** One chunk of ≤ 100 keys, retrying what DynamoDB leaves unprocessed (throttling) with exponential backoff. */
  private async batchGet(symbols: readonly string[]): Promise<LatestPrice[]> {
    const found: LatestPrice[] = [];
    let pending: Record<string, unknown>[] = symbols.map((symbol) => ({ symbol }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= this.maxAttempts) {
        throw new Error(`DynamoDB left ${pending.length} keys of ${this.table} unprocessed after ${attempt} attempts`);
      }
      if (attempt > 0) await this.sleep(backoffMs(attempt));
      const out = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending } } }));
      for (const item of out.Responses?.[this.table] ?? []) found.push(parseLatestPrice(item));
      pending = out.UnprocessedKeys?.[this.table]?.Keys ?? [];
    }
    return found;
  }
}

/** Full-jitter exponential backoff (AWS architecture blog): 50 ms × 2^attempt, capped at 2 s. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(2_000, 50 * 2 ** attempt));
}

/** True for the error a failed `ConditionExpression` raises (matched by name: SDK copies may differ). */
export function isConditionalCheckFailed(err: unknown): boolean {
  return typeof err === "object" && err !== null && "name" in err && err.name === "ConditionalCheckFailedException";
}
