// `npm run backfill -- <files|folders|provider:SYMBOLS> [options]`: uploads local files or pulls provider history
// into the bucket's raw/ zone, resumably. The work is in scripts/backfill/; this file is argv, signals and exit codes.
import { parseBackfillArgs, USAGE, UsageError } from "./backfill/args.ts";
import { runBackfill } from "./backfill/run.ts";

let args: ReturnType<typeof parseBackfillArgs>;
try {
  args = parseBackfillArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`backfill: ${error.message}\nRun with --help for the options.`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

// First Ctrl-C: start nothing new, finish what is in flight, print the summary. Second: leave now (a rerun resumes).
const stop = new AbortController();
process.on("SIGINT", () => {
  if (stop.signal.aborted) process.exit(130);
  process.stderr.write("\nbackfill: stopping after the uploads in flight (Ctrl-C again to leave now) …\n");
  stop.abort();
});

try {
  const outcome = await runBackfill(args, { stdout: process.stdout, stderr: process.stderr, signal: stop.signal });
  process.exit(outcome.exitCode);
} catch (error) {
  console.error(`backfill: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
