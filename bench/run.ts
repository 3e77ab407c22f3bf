// `npm run bench -- <name>`: runs bench/<name>.ts, which prints one JSON line of figures.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((name) => name.endsWith(".ts") && name !== "run.ts")
  .map((name) => name.slice(0, -3))
  .filter((name) => !name.endsWith("-worker"));
const [name, ...rest] = process.argv.slice(2);
if (name === undefined || !available.includes(name)) {
  console.error(`Usage: npm run bench -- <name> [options]\nBenchmarks: ${available.join(", ")}`);
  process.exit(2);
}
const result = spawnSync(process.execPath, ["--import", "tsx", join(here, `${name}.ts`), ...rest], {
  stdio: "inherit",
});
process.exit(result.status ?? 1);
