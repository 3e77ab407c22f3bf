import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildHandler, handlerEntries, importInCleanNode, lambdaEnv } from "./lambda-bundles.js";

// Every Lambda entry bundles the way SST bundles it and loads in a clean Node process (no tsx, no workspace
// resolution, only the function's environment): what a deploy would ship starts. Sizes and timings: bench/bundle.ts.
let outDir: string;
beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), "lambda-bundles-"));
});
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe("Lambda bundles", () => {
  const handlers = handlerEntries();

  it("finds the handlers of the stacks among the entries", () => {
    expect(handlers.map((h) => h.name)).toEqual(expect.arrayContaining(["api", "validate"]));
  });

  it.each(handlers)(
    "bundles $name and loads it in a clean Node process, exporting a handler function",
    async (handler) => {
      const { file, bytes } = await buildHandler(handler, outDir);
      expect(bytes).toBeGreaterThan(0);
      expect((await importInCleanNode(file, lambdaEnv(handler.name))).handler).toBe("function");
    },
  );
});
