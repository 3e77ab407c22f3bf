import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoLatestPrices } from "../src/adapters/dynamo-latest-prices.js";
import { priceOf, runLatestPriceStoreContract } from "../src/adapters/latest-prices.contract.js";
import { createLatestPricesTable, motoConfig, uniqueName } from "./moto/clients.js";
import { MOTO_SETUP_TIMEOUT_MS, type Moto, startMoto } from "./moto/server.js";

// The DynamoDB adapter against DynamoDB's wire protocol (moto): the monotonic condition is evaluated by the server,
// so "an older bar never overwrites a newer one" is proven where it is enforced.
let moto: Moto;
let dynamo: DynamoDBClient;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  moto = await startMoto();
  dynamo = new DynamoDBClient(motoConfig(moto.endpoint));
  doc = DynamoDBDocumentClient.from(dynamo);
}, MOTO_SETUP_TIMEOUT_MS);

afterAll(async () => {
  dynamo?.destroy();
  await moto?.stop();
});

async function freshTable(): Promise<string> {
  const table = uniqueName("latest-prices");
  await createLatestPricesTable(dynamo, table);
  return table;
}

describe("DynamoLatestPrices on moto", () => {
  runLatestPriceStoreContract({ make: async () => new DynamoLatestPrices(doc, await freshTable()) });

  it("ends with the newest bar when separate writers race on one symbol, one conditional put each", async () => {
    const table = await freshTable();
    // Four writers (as four Lambda containers would be), each with its own client, sharing 40 hourly bars of one
    // symbol dealt out round-robin from a shuffled order, all in flight at once.
    const writers = Array.from({ length: 4 }, () => {
      const client = DynamoDBDocumentClient.from(new DynamoDBClient(motoConfig(moto.endpoint)));
      return { client, store: new DynamoLatestPrices(client, table) };
    });
    const hours = Array.from({ length: 40 }, (_, h) => (h * 17) % 40);
    const hourTs = (h: number) => new Date(Date.UTC(2024, 0, 5, h)).toISOString().replace(".000Z", "Z");
    const bar = (h: number) =>
      priceOf("ETH-USD", { interval: "1h", ts: hourTs(h), as_of: hourTs(h + 1), close: 2_000 + h });
    await Promise.all(
      hours.map((h, i) => {
        const writer = writers[i % writers.length];
        if (writer === undefined) throw new Error("no writer");
        return writer.store.upsert([bar(h)]);
      }),
    );
    for (const writer of writers) writer.client.destroy();
    expect(await new DynamoLatestPrices(doc, table).get(["ETH-USD"])).toEqual([bar(39)]);
  });

  it("stores one item per symbol with typed attributes, null currency as NULL", async () => {
    const table = await freshTable();
    await new DynamoLatestPrices(doc, table).upsert([priceOf("EURUSD=X", { currency: null, asset_class: "fx" })]);
    const { Item } = await dynamo.send(new GetItemCommand({ TableName: table, Key: { symbol: { S: "EURUSD=X" } } }));
    expect(Item).toMatchObject({
      symbol: { S: "EURUSD=X" },
      as_of: { S: "2024-01-05T00:00:00Z" },
      close: { N: "11.25" },
      volume: { N: "1000" },
      currency: { NULL: true },
    });
  });

  it("surfaces a missing table as an error, not as an ignored condition", async () => {
    const store = new DynamoLatestPrices(doc, uniqueName("no-such-table"));
    await expect(store.upsert([priceOf("AAPL")])).rejects.toMatchObject({ name: "ResourceNotFoundException" });
  });
});
