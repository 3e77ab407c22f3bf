// Evaluating the app as `sst deploy` does, with the recording stand-ins installed: app(), then run(). Also the
// validate handler's real QUALITY log lines, for the alarm checks.
import { fileURLToPath } from "node:url";
import { Logger } from "@aws-lambda-powertools/logger";
import { vi } from "vitest";
import { type AppConfig, isAppConfig, type QualityLogLines } from "./assert-pipeline";
import { record } from "./graph";
import { type Graph, installSstGlobals } from "./sst-globals";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface Evaluation {
  readonly graph: Graph;
  readonly config: AppConfig;
  readonly productionStages: readonly string[];
}

/** Evaluates the app for one stage the way `sst deploy` does: app(), then run(). */
export async function evaluate(stage: string): Promise<Evaluation> {
  vi.resetModules(); // fresh stack modules: they build their resources when first imported
  const standIns = installSstGlobals({ stage });
  const { default: config }: { default: unknown } = await import("../../sst.config.ts");
  if (!isAppConfig(config)) throw new Error("sst.config.ts does not export $config({ app, run })");
  standIns.setAppName(String(record(config.app({ stage })).name));
  const outputs = record(await config.run());
  const { PRODUCTION_STAGES } = await import("../stage");
  return { graph: standIns.recorder.graph(outputs), config, productionStages: PRODUCTION_STAGES };
}

/** The QUALITY=PASS and QUALITY=FAIL lines as the validate handler's Powertools logger writes them. */
export function qualityLogLines(): QualityLogLines {
  const lines: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split("\n").filter(Boolean));
    return true;
  };
  const stdout = vi.spyOn(process.stdout, "write").mockImplementation(capture);
  const stderr = vi.spyOn(process.stderr, "write").mockImplementation(capture);
  try {
    const logger = new Logger({ serviceName: "validate" });
    logger.warn("QUALITY=FAIL", { key: "raw/csv/AAPL.csv", statistics: { evaluated: 10, rejected: 4 } });
    logger.info("QUALITY=PASS", { key: "raw/csv/MSFT.csv", statistics: { evaluated: 10, rejected: 0 } });
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  const [fail, pass] = lines;
  if (fail === undefined || pass === undefined) throw new Error(`expected two log lines, got ${lines.length}`);
  return { fail, pass };
}
