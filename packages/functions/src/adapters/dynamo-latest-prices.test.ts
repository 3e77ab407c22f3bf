import { ConditionalCheckFailedException, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchGetCommand, DynamoDBDocumentClient, PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it, vi } from "vitest";
import { backoffMs, DynamoLatestPrices, isConditionalCheckFailed } from "./dynamo-latest-prices.js";
import { priceOf } from "./latest-prices.contract.js";

// DynamoDB's condition semantics are proven against moto in its own issue; a stubbed `send` checks here
// which requests the adapter makes and how it treats their answers (chunks, retries, pages, errors).
function stubbed(reply: (command: unknown) => unknown) {
  const base = new DynamoDBClient({ region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "y" } });
  const doc = DynamoDBDocumentClient.from(base);
  const sent: unknown[] = [];
  vi.spyOn(doc, "send").mockImplementation(async (command: unknown) => {
    sent.push(command);
    return reply(command);
  });
  const sleeps: number[] = [];
  const store = new DynamoLatestPrices(doc, "prices", {
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { store, sent, sleeps };
}

const conditionFailed = () => new ConditionalCheckFailedException({ message: "newer", $metadata: {} });

describe("DynamoLatestPrices helpers", () => {
  it("recognises a failed condition by name only", () => {
    expect(isConditionalCheckFailed(conditionFailed())).toBe(true);
    expect(isConditionalCheckFailed(Object.assign(new Error("x"), { name: "ConditionalCheckFailedException" }))).toBe(
      true,
    );
    expect(isConditionalCheckFailed(new Error("ProvisionedThroughputExceededException"))).toBe(false);
    expect(isConditionalCheckFailed(undefined)).toBe(false);
  });

  it("backs off exponentially with full jitter, capped at 2 s", () => {
    expect([1, 2, 3].map((a) => backoffMs(a, () => 1))).toEqual([100, 200, 400]);
    expect(backoffMs(20, () => 1)).toBe(2_000);
    expect(backoffMs(3, () => 0)).toBe(0);
  });
});

describe("DynamoLatestPrices (stubbed client)", () => {
  it("writes the newest price per symbol with the monotonic condition", async () => {
    const { store, sent } = stubbed(() => ({}));
    const older = priceOf("AAPL", { as_of: "2024-01-04T00:00:00Z" });
    const newer = priceOf("AAPL", { as_of: "2024-01-05T00:00:00Z" });
    await store.upsert([newer, older, priceOf("MSFT")]);
    const puts = sent.filter((c): c is PutCommand => c instanceof PutCommand);
    expect(puts.map((p) => p.input.Item)).toEqual([newer, priceOf("MSFT")]);
    expect(puts[0]?.input).toMatchObject({
      TableName: "prices",
      ConditionExpression: "attribute_not_exists(#symbol) OR #as_of < :as_of OR (#as_of = :as_of AND #ing <= :ing)",
      ExpressionAttributeNames: { "#symbol": "symbol", "#as_of": "as_of", "#ing": "ingested_at" },
      ExpressionAttributeValues: { ":as_of": newer.as_of, ":ing": newer.ingested_at },
    });
  });

  it("takes a failed condition as 'already newer' and any other error as a fault", async () => {
    const quiet = stubbed(() => {
      throw conditionFailed();
    });
    await expect(quiet.store.upsert([priceOf("AAPL")])).resolves.toBeUndefined();
    const loud = stubbed(() => {
      throw Object.assign(new Error("throttled"), { name: "ProvisionedThroughputExceededException" });
    });
    await expect(loud.store.upsert([priceOf("AAPL")])).rejects.toThrow("throttled");
  });

  it("gets in chunks of 100 distinct keys and retries unprocessed keys with backoff", async () => {
    const symbols = Array.from({ length: 150 }, (_, i) => `S${String(i).padStart(3, "0")}`);
    let round = 0;
    const { store, sent, sleeps } = stubbed((cmd) => {
      if (!(cmd instanceof BatchGetCommand)) throw new Error("unexpected command");
      const keys = (cmd.input.RequestItems?.prices?.Keys ?? []) as { symbol: string }[];
      round++;
      // First round: answer half and leave the rest unprocessed, as DynamoDB does when throttled.
      const [answer, leave] = round === 1 ? [keys.slice(0, 50), keys.slice(50)] : [keys, []];
      return {
        Responses: { prices: answer.map((k) => priceOf(k.symbol)) },
        UnprocessedKeys: leave.length ? { prices: { Keys: leave } } : {},
      };
    });
    const found = await store.get([...symbols].reverse().concat(symbols.slice(0, 10)));
    expect(found.map((p) => p.symbol)).toEqual(symbols);
    const sizes = sent.map((c) => ((c as BatchGetCommand).input.RequestItems?.prices?.Keys ?? []).length);
    expect(sizes).toEqual([100, 50, 50]);
    expect(sleeps).toHaveLength(1);
  });

  it("gives up with an error when keys stay unprocessed", async () => {
    const { store, sleeps } = stubbed((cmd) => {
      const keys = (cmd as BatchGetCommand).input.RequestItems?.prices?.Keys ?? [];
      return { Responses: { prices: [] }, UnprocessedKeys: { prices: { Keys: keys } } };
    });
    await expect(store.get(["AAPL"])).rejects.toThrow(/unprocessed after 8 attempts/);
    expect(sleeps).toHaveLength(7);
  });

  it("scans every page and returns symbol order", async () => {
    const { store, sent } = stubbed((cmd) => {
      if (!(cmd instanceof ScanCommand)) throw new Error("unexpected command");
      return cmd.input.ExclusiveStartKey
        ? { Items: [priceOf("AAPL")] }
        : { Items: [priceOf("ZM"), priceOf("BTC-USD")], LastEvaluatedKey: { symbol: "BTC-USD" } };
    });
    expect((await store.all()).map((p) => p.symbol)).toEqual(["AAPL", "BTC-USD", "ZM"]);
    expect(sent).toHaveLength(2);
  });

  it("refuses a stored item that is not a latest price", async () => {
    const { store } = stubbed(() => ({ Items: [{ symbol: "AAPL", close: "not a number" }] }));
    await expect(store.all()).rejects.toThrow();
  });
});
