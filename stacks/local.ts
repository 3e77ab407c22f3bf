// Under `sst dev` only: the offline runtime (`npm start`: folder bucket, in-process queue, embedded Postgres, the
// API on localhost) runs in its own pane beside the live Lambdas, for trying files without waiting on S3.
// DevCommand creates nothing in AWS and does nothing on `sst deploy`.
export const local = new sst.x.DevCommand("Local", {
  dev: { command: "npm start", autostart: true, title: "Offline runtime" },
});
