import { readdir, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { TEMP_FILE } from "../adapters/folder-object-store.js";

/** A raw object as the watcher saw it: enough to build an S3 event record. */
export interface RawFileSeen {
  key: string;
  size: number;
  mtime: Date;
}

export interface RawWatcherOptions {
  /** The bucket folder; the watcher looks under `<root>/raw/`. */
  root: string;
  pollMs?: number;
  /** Told once per new or changed file, after its size and mtime held still for one poll. */
  onFile: (file: RawFileSeen) => void | Promise<void>;
  /** Decides whether a file already present at start needs processing (no report yet). */
  needsProcessing?: (file: RawFileSeen) => Promise<boolean>;
}

/**
 * Watches `raw/` the way S3 would notify: one event per new object version. Polling (not inotify) so that it
 * behaves the same on every filesystem, including network mounts and folders written by other machines.
 * A file is announced only once it has stopped growing, so a copy in progress is not validated half-written.
 */
export class RawWatcher {
  private readonly announced = new Map<string, string>();
  private readonly settling = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: RawWatcherOptions) {}

  /** Announces the files present now that still need processing, then keeps polling. */
  async start(): Promise<number> {
    let queued = 0;
    for (const file of await this.listRaw()) {
      this.announced.set(file.key, fingerprint(file));
      if (this.options.needsProcessing && !(await this.options.needsProcessing(file))) continue;
      await this.options.onFile(file);
      queued++;
    }
    this.schedule();
    return queued;
  }

  /** Runs one poll now (tests and the demo use it instead of waiting for the timer). */
  async poll(): Promise<void> {
    this.scanning ??= this.scan().finally(() => {
      this.scanning = undefined;
    });
    await this.scanning;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.poll()
        .catch((error: unknown) => console.error("raw watcher: scan failed", error))
        .finally(() => this.schedule());
    }, this.options.pollMs ?? 500);
  }

  private async scan(): Promise<void> {
    for (const file of await this.listRaw()) {
      const print = fingerprint(file);
      if (this.announced.get(file.key) === print) continue;
      if (this.settling.get(file.key) !== print) {
        this.settling.set(file.key, print);
        continue;
      }
      this.settling.delete(file.key);
      this.announced.set(file.key, print);
      await this.options.onFile(file);
    }
  }

  private async listRaw(): Promise<RawFileSeen[]> {
    const rawDir = join(this.options.root, "raw");
    let names: string[];
    try {
      names = await readdir(rawDir, { recursive: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    const files: RawFileSeen[] = [];
    for (const name of names.sort()) {
      const path = join(rawDir, name);
      const info = await stat(path).catch(() => undefined);
      // Temp files of the folder store's atomic writes are not objects yet.
      if (!info?.isFile() || TEMP_FILE.test(name.split(sep).pop() ?? "")) continue;
      files.push({ key: relative(this.options.root, path).split(sep).join("/"), size: info.size, mtime: info.mtime });
    }
    return files;
  }
}

function fingerprint(file: RawFileSeen): string {
  return `${file.size}:${file.mtime.getTime()}`;
}
