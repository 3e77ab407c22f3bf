// Stage policy shared by the slices. `sst.config.ts`'s `app()` applies the same rule to `removal` and `protect`
// (it may not import this file: SST evaluates `app()` before any import is allowed); the wiring test checks that
// both agree for every stage name below.

/** Stages that hold real data. "prod" is accepted as well, so `--stage prod` cannot deploy an unprotected copy. */
export const PRODUCTION_STAGES: readonly string[] = ["production", "prod"];

/** True when this deploy is a production stage: data outlives `sst remove`, deletion protection is on. */
export const isProduction = PRODUCTION_STAGES.includes($app.stage);

/** Physical-name prefix for raw Pulumi resources, which SST does not name per app and stage by itself. */
export const prefix = `${$app.name}-${$app.stage}`;

/** Lambda runtime of every function: set explicitly, SST 4's default (nodejs24.x) would move under us. */
export const RUNTIME = "nodejs22.x";
