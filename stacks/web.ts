// Web: the dashboard, a static site on S3 + CloudFront, built with the deployed API's URL. The site must not embed
// the ApiKey secret: a static site's bundle is public.
import { api } from "./api";

export const site = new sst.aws.StaticSite("Web", {
  path: "packages/web",
  build: { command: "npm run build", output: "dist" },
  environment: { VITE_API_URL: api.url },
  dev: { command: "npm run dev" },
});
