/// <reference path="./.sst/platform/config.d.ts" />

export default $config({
  app(input) {
    // Production stages hold real data: `sst remove` leaves their resources, and Pulumi refuses to delete them.
    // Same rule as stacks/stage.ts (no imports here: SST evaluates app() before it installs anything).
    const production = input?.stage === "production" || input?.stage === "prod";
    return {
      name: "market-data",
      home: "aws",
      removal: production ? "retain" : "remove",
      protect: production,
    };
  },
  async run() {
    // Slices whose code has not landed yet stay out of the app, so a deploy never builds a handler, a Glue script
    // or a site that does not exist (DEPLOY.md, "Not yet deployable"). Turn one on in the change that lands its code.
    const pendingSlices = { warehouse: false };

    const storage = await import("./stacks/storage");
    const ingest = await import("./stacks/ingest");
    const transform = await import("./stacks/transform");
    const warehouse = pendingSlices.warehouse ? await import("./stacks/warehouse") : undefined;
    const api = await import("./stacks/api");
    const alerts = await import("./stacks/alerts");
    const web = await import("./stacks/web");
    await import("./stacks/local");

    return {
      bucket: storage.bucket.name,
      latestPricesTable: storage.latestPrices.name,
      ingestQueue: ingest.ingestQueue.url,
      ingestDlq: ingest.dlq.url,
      api: api.api.url,
      alertsTopic: alerts.alerts.arn,
      transformJob: transform.transformJob.name,
      ...(warehouse && { warehouseWorkgroup: warehouse.workgroup.workgroupName }),
      web: web.site.url,
    };
  },
});
