// moto (`moto[server]` from the project's .venv) as a throwaway AWS endpoint: one server per test file, on a port the
// OS picks on 127.0.0.1, stopped by the file's afterAll. A fresh clone gets its .venv from ensurePythonEnv.
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { ensurePythonEnv } from "../../../../scripts/python-env.mjs";

export interface Moto {
  /** `http://127.0.0.1:<port>`: pass as `endpoint` to every client. */
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * What a `beforeAll` that starts moto may take: seconds when the .venv is ready, minutes on a fresh clone, where
 * ensurePythonEnv installs packages/glue/requirements.txt (pyspark included) first.
 */
export const MOTO_SETUP_TIMEOUT_MS = 15 * 60_000;

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const LISTENING = /Running on http:\/\/127\.0\.0\.1:(\d+)/;

// `moto_server -H 127.0.0.1 -p 0`: port 0 lets the OS choose a free port, which werkzeug logs, so two servers never
// race for one port. The thread ends the server when its stdin closes: if the test process dies without `stop()`
// (a killed worker), the pipe closes with it and no orphaned server keeps running.
const SERVE = `
import os, sys, threading
from moto.server import main

def exit_with_parent():
    sys.stdin.buffer.read()
    os._exit(0)

threading.Thread(target=exit_with_parent, daemon=True).start()
main(["-H", "127.0.0.1", "-p", "0"])
`;

/** Starts moto's server (the venv's python) on a free loopback port and resolves once it answers HTTP. */
export async function startMoto(): Promise<Moto> {
  // Test files run in parallel workers: only one of them may create or update the .venv at a time.
  const python = await withLock(`moto-venv-${createHash("sha256").update(ROOT).digest("hex").slice(0, 12)}`, () =>
    ensurePythonEnv(ROOT),
  );
  const child = spawn(python, ["-c", SERVE], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, PYTHONUNBUFFERED: "1" },
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  try {
    const port = await listeningPort(child, 30_000);
    const endpoint = `http://127.0.0.1:${port}`;
    await waitUntilAnswering(endpoint, 10_000);
    return {
      endpoint,
      stop: async () => {
        process.off("exit", killOnExit);
        await stopProcess(child);
      },
    };
  } catch (error) {
    process.off("exit", killOnExit);
    await stopProcess(child);
    throw error;
  }
}

/** Sets how moto advances a model's state (e.g. `glue::job_run`): https://docs.getmoto.org state transitions. */
export async function setMotoTransition(
  endpoint: string,
  model: string,
  transition: { progression: "immediate" } | { progression: "manual"; times: number },
): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/state-manager/set-transition`, {
    method: "POST",
    body: JSON.stringify({ model_name: model, transition }),
  });
  if (!response.ok) throw new Error(`moto set-transition ${model}: HTTP ${response.status}`);
}

/** Reads the port from werkzeug's "Running on" line; keeps draining both pipes after, or moto blocks on a full pipe. */
function listeningPort(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => fail(new Error(`moto did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      // The tail only: werkzeug logs every request, and a long test run must not grow this string.
      output = (output + chunk.toString("utf8")).slice(-4_000);
      const match = LISTENING.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", (error) => fail(new Error(`could not start moto: ${error.message}`)));
    child.once("exit", (code, signal) =>
      fail(new Error(`moto exited (${code ?? signal}) before listening:\n${output}`)),
    );
  });
}

async function waitUntilAnswering(endpoint: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      await response.arrayBuffer();
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await sleep(50);
  }
  throw new Error(`moto at ${endpoint} does not answer: ${last}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

/** A lock between processes: a directory in the temp dir (mkdir is atomic); one left by a killed run expires. */
async function withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
  const dir = join(tmpdir(), `${name}.lock`);
  const staleMs = MOTO_SETUP_TIMEOUT_MS;
  for (;;) {
    try {
      await mkdir(dir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const since = await stat(dir).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (since > staleMs) await rm(dir, { recursive: true, force: true });
      else await sleep(200);
    }
  }
  try {
    return await work();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
