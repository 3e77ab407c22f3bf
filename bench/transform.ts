// bench/transform: the Glue Spark job (packages/glue) on synthetic daily bars — 500 symbols × 20 years by default —
// a full run and an incremental run adding one day to every symbol, on local Spark with 2 cores, plus the same
// incremental run over a 1-year history. The work is packages/glue/bench/transform.py, run with the project's .venv
// python; it prints one JSON line (rows/s, wall seconds, incremental/full ratio, load average).
// Options pass through: `npm run bench -- transform --symbols 50 --years 2`.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { venvPython } from "../scripts/python-env.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const script = join(root, "packages", "glue", "bench", "transform.py");
const result = spawnSync(venvPython(root), [script, ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
  env: { SPARK_LOCAL_IP: "127.0.0.1", ...process.env },
});
if (result.error) throw result.error;
process.exit(result.status ?? 1);
