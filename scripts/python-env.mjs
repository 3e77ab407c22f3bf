// The project's Python environment (`<root>/.venv`) for the Glue job and its tests: created with `python3 -m venv`
// when missing, and `pip install -r packages/glue/requirements.txt` run again only when that file changed (a stamp in
// the venv holds the hash of the requirements it was installed from). Node built-ins only: it runs before npm ci.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const REQUIREMENTS = join("packages", "glue", "requirements.txt");
const STAMP = ".requirements.sha256";

/** Path of the venv's interpreter (POSIX and Windows layouts). */
export function venvPython(root) {
  const venv = join(root, ".venv");
  return process.platform === "win32" ? join(venv, "Scripts", "python.exe") : join(venv, "bin", "python");
}

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, stdio: "inherit" });
  if (result.error) throw new Error(`python-env: could not start \`${command}\`: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`python-env: \`${command} ${args.join(" ")}\` failed (exit ${result.status ?? result.signal}).`);
  }
}

function findPython3() {
  for (const candidate of [process.env.PYTHON, "python3", "python"].filter(Boolean)) {
    const probe = spawnSync(candidate, ["-c", "import sys; print(sys.version_info >= (3, 11))"], { encoding: "utf8" });
    if (probe.status === 0 && probe.stdout.trim() === "True") return candidate;
  }
  throw new Error("python-env: Python 3.11+ is required (Glue 5.0 runs 3.11); set PYTHON to its path.");
}

/**
 * Ensures `<root>/.venv` exists with packages/glue/requirements.txt installed; returns the venv's python path.
 * e.g. `const python = await ensurePythonEnv(root)` then `spawnSync(python, ["-m", "pytest", "packages/glue"])`.
 */
export async function ensurePythonEnv(root) {
  const python = venvPython(root);
  const requirements = join(root, REQUIREMENTS);
  const hash = createHash("sha256").update(readFileSync(requirements)).digest("hex");
  const stamp = join(root, ".venv", STAMP);

  if (!existsSync(python)) {
    console.log("python-env: creating .venv (python3 -m venv) …");
    rmSync(join(root, ".venv"), { recursive: true, force: true }); // a half-made venv from an interrupted run
    run(findPython3(), ["-m", "venv", join(root, ".venv")], root);
  }
  if (existsSync(stamp) && readFileSync(stamp, "utf8").trim() === hash) return python;

  console.log(`python-env: installing ${REQUIREMENTS} into .venv (pyspark is large; first time takes minutes) …`);
  run(python, ["-m", "pip", "install", "--disable-pip-version-check", "--quiet", "-r", requirements], root);
  writeFileSync(stamp, `${hash}\n`);
  console.log("python-env: .venv ready.");
  return python;
}
