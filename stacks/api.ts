// API: the Hono app behind an API Gateway HTTP API, one `$default` route to one function (Hono routes inside).
// Quality reports from S3, latest prices from DynamoDB, bars and indicators from the warehouse.
import { PREFIX } from "@market-data/core/keys";
import { RUNTIME } from "./stage";
import { bucket, latestPrices, objectsUnder } from "./storage";
import { namespace, warehouseReader, workgroup } from "./warehouse";

/** Required in `x-api-key` on every route but /healthz and /openapi.json. Set per stage: `npx sst secret set ApiKey …`. */
export const apiKey = new sst.Secret("ApiKey");

// API Gateway answers CORS preflights itself (and drops the integration's CORS headers), so `cors: true` replaces
// the Hono middleware's headers in AWS; its defaults allow any origin and header, `x-api-key` included.
export const api = new sst.aws.ApiGatewayV2("Api", { cors: true });

/** The route; its function's role is the warehouse's read-only database user (`IAMR:<role name>`, DEPLOY.md). */
export const apiRoute = api.route("$default", {
  handler: "packages/functions/src/api.handler",
  runtime: RUNTIME,
  // API Gateway gives up on an integration after 30 s.
  timeout: "20 seconds",
  memory: "512 MB",
  // Linked so the handler can move to `Resource.ApiKey.value`; until then it reads API_KEY (visible to whoever may
  // read the function's configuration, like any Lambda environment variable).
  link: [apiKey, warehouseReader],
  environment: {
    DATA_BUCKET: bucket.name,
    LATEST_PRICES_TABLE: latestPrices.name,
    API_KEY: apiKey.value,
    // Without these the bars and indicators routes answer 503 (packages/functions/src/api.ts).
    REDSHIFT_WORKGROUP: workgroup.workgroupName,
    REDSHIFT_DATABASE: namespace.dbName,
  },
  permissions: [
    // Read-only: quality reports and latest prices (the warehouse's grants come with the warehouseReader link).
    {
      actions: ["s3:ListBucket"],
      resources: [bucket.arn],
      conditions: [{ test: "StringLike", variable: "s3:prefix", values: [`${PREFIX.reports}*`] }],
    },
    { actions: ["s3:GetObject"], resources: [objectsUnder(PREFIX.reports)] },
    { actions: ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Scan"], resources: [latestPrices.arn] },
  ],
});
