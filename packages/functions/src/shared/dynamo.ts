import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoLatestPrices } from "../adapters/dynamo-latest-prices.js";
import { requiredEnv } from "./env.js";

// Created once per container, at cold start, and reused by every invocation.
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

/** The latest-prices table (`LATEST_PRICES_TABLE`). */
export const latestPrices = () => new DynamoLatestPrices(doc, requiredEnv("LATEST_PRICES_TABLE"));
