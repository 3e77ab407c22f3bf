import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  type DescribeStatementResponse,
  ExecuteStatementCommand,
  type Field,
  GetStatementResultCommand,
  type RedshiftDataClient,
  type SqlParameter,
} from "@aws-sdk/client-redshift-data";

/** Where statements run: a Redshift Serverless workgroup and database (temporary IAM credentials). */
export interface RedshiftTarget {
  workgroupName: string;
  database: string;
}

/** How long and how often to wait for a statement. The merge waits minutes; an API read, seconds. */
export interface WaitOptions {
  /** First DescribeStatement after this long; each next one `factor` times later, capped at `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
  factor: number;
  /** Give up (and cancel the statement) after this long. */
  deadlineMs: number;
}

// The merge function has 5 minutes (stacks/warehouse.ts): the batch gets 4, the rest is for the checks around it.
export const MERGE_WAIT: WaitOptions = { initialDelayMs: 500, maxDelayMs: 10_000, factor: 2, deadlineMs: 240_000 };
// The API function has 20 s (stacks/api.ts): a read gives up well before, with an error the API logs.
export const READ_WAIT: WaitOptions = { initialDelayMs: 50, maxDelayMs: 1_000, factor: 1.6, deadlineMs: 15_000 };

/** Thrown when a statement ends FAILED or ABORTED; for a batch, `message` carries the failed sub-statement's error. */
export class RedshiftStatementError extends Error {
  readonly code = "REDSHIFT_STATEMENT_FAILED";
  constructor(
    readonly statementId: string,
    readonly status: "FAILED" | "ABORTED",
    /** The database's error text (the failed sub-statement's, for a batch). */
    readonly databaseMessage: string,
    /** 1-based position of the failed statement in a batch, and the start of its SQL. */
    readonly failedStatement?: { index: number; sql: string },
  ) {
    const where = failedStatement ? ` at statement ${failedStatement.index} (${failedStatement.sql})` : "";
    super(`Redshift statement ${statementId} ${status}${where}: ${databaseMessage}`);
    this.name = "RedshiftStatementError";
  }
}

/** Thrown when a statement is still running at the deadline (it has been asked to cancel). */
export class RedshiftDeadlineError extends Error {
  readonly code = "REDSHIFT_DEADLINE";
  constructor(
    readonly statementId: string,
    readonly waitedMs: number,
  ) {
    super(`Redshift statement ${statementId} did not finish within ${Math.round(waitedMs / 1000)} s; cancelled`);
    this.name = "RedshiftDeadlineError";
  }
}

/** Errors the Data API clears by itself: throttling, too many running statements, a 5xx. */
const RETRYABLE = new Set([
  "ThrottlingException",
  "TooManyRequestsException",
  "ActiveStatementsExceededException",
  "InternalServerException",
  "ServiceUnavailableException",
]);
const MAX_ATTEMPTS = 6;

export interface DataApiOptions {
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** A result set: column names and rows of Data API fields, every page of GetStatementResult joined. */
export interface ResultSet {
  columns: string[];
  records: Field[][];
}

/**
 * The Redshift Data API as this project uses it: submit (retrying throttling with the same ClientToken, so a
 * retried submit is the same statement), then DescribeStatement with exponential backoff until FINISHED,
 * FAILED or ABORTED, or the deadline, when it cancels the statement and gives up.
 */
export class DataApi {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(
    private readonly client: RedshiftDataClient,
    readonly target: RedshiftTarget,
    options: DataApiOptions = {},
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  /** Runs statements as one transaction (BatchExecuteStatement) and waits for the outcome. */
  async batch(sqls: string[], options: { clientToken: string; statementName?: string; wait?: WaitOptions }) {
    const command = new BatchExecuteStatementCommand({
      WorkgroupName: this.target.workgroupName,
      Database: this.target.database,
      Sqls: sqls,
      ClientToken: options.clientToken,
      ...(options.statementName === undefined ? {} : { StatementName: options.statementName }),
    });
    const submitted = await this.retrying(() => this.client.send(command));
    return this.waitFor(idOf(submitted.Id, "BatchExecuteStatement"), options.wait ?? MERGE_WAIT);
  }

  /** Runs one statement with bind parameters (`:name`) and waits for it. */
  async execute(sql: string, params: readonly { name: string; value: string | number }[], wait: WaitOptions) {
    const parameters: SqlParameter[] = params.map((p) => ({ name: p.name, value: String(p.value) }));
    const command = new ExecuteStatementCommand({
      WorkgroupName: this.target.workgroupName,
      Database: this.target.database,
      Sql: sql,
      ...(parameters.length === 0 ? {} : { Parameters: parameters }),
    });
    const submitted = await this.retrying(() => this.client.send(command));
    return this.waitFor(idOf(submitted.Id, "ExecuteStatement"), wait);
  }

  /** Runs a query and reads its whole result (GetStatementResult, following NextToken). */
  async query(sql: string, params: readonly { name: string; value: string | number }[], wait: WaitOptions) {
    const done = await this.execute(sql, params, wait);
    return done.HasResultSet === false
      ? { columns: [], records: [] }
      : this.results(idOf(done.Id, "DescribeStatement"));
  }

  /** Submits without waiting (an audit row written after a failure: nobody should wait on it). */
  async fireAndForget(sql: string, params: readonly { name: string; value: string | number }[]): Promise<void> {
    const command = new ExecuteStatementCommand({
      WorkgroupName: this.target.workgroupName,
      Database: this.target.database,
      Sql: sql,
      Parameters: params.map((p) => ({ name: p.name, value: String(p.value) })),
    });
    await this.retrying(() => this.client.send(command));
  }

  async results(statementId: string): Promise<ResultSet> {
    const out: ResultSet = { columns: [], records: [] };
    let nextToken: string | undefined;
    do {
      const command = new GetStatementResultCommand({ Id: statementId, NextToken: nextToken });
      const page = await this.retrying(() => this.client.send(command));
      if (out.columns.length === 0) out.columns = (page.ColumnMetadata ?? []).map((c, i) => c.name ?? `column_${i}`);
      out.records.push(...(page.Records ?? []));
      nextToken = page.NextToken;
    } while (nextToken !== undefined && nextToken !== "");
    return out;
  }

  private async waitFor(statementId: string, wait: WaitOptions): Promise<DescribeStatementResponse> {
    const started = this.now();
    let delay = wait.initialDelayMs;
    for (;;) {
      await this.sleep(delay);
      const describe = new DescribeStatementCommand({ Id: statementId });
      const status = await this.retrying(() => this.client.send(describe));
      if (status.Status === "FINISHED") return status;
      if (status.Status === "FAILED" || status.Status === "ABORTED") throw statementError(statementId, status);
      const waited = this.now() - started;
      if (waited >= wait.deadlineMs) {
        // Cancelling rolls the transaction back, so a later retry does not queue behind a runaway merge.
        const cancel = new CancelStatementCommand({ Id: statementId });
        await this.retrying(() => this.client.send(cancel)).catch(() => undefined);
        throw new RedshiftDeadlineError(statementId, waited);
      }
      delay = Math.min(wait.maxDelayMs, Math.round(delay * wait.factor), Math.max(1, wait.deadlineMs - waited));
    }
  }

  /**
   * Retries the errors the service clears by itself, with backoff. Callers build the command once, outside
   * `call`, so every attempt sends the same input (the same ClientToken: a retried submit is one statement).
   */
  private async retrying<Output>(call: () => Promise<Output>): Promise<Output> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
        await this.sleep(Math.min(5_000, 100 * 2 ** (attempt - 1)));
      }
    }
  }
}

function idOf(id: string | undefined, operation: string): string {
  if (id === undefined || id === "") throw new Error(`Redshift Data API ${operation} returned no statement Id`);
  return id;
}

function statementError(statementId: string, status: DescribeStatementResponse): RedshiftStatementError {
  const state = status.Status === "ABORTED" ? "ABORTED" : "FAILED";
  const subs = status.SubStatements ?? [];
  const failedIndex = subs.findIndex((sub) => sub.Status === "FAILED" || sub.Status === "ABORTED");
  const failed = subs[failedIndex];
  if (failed !== undefined) {
    const sql = (failed.QueryString ?? "").replace(/\s+/g, " ").slice(0, 120);
    return new RedshiftStatementError(statementId, state, failed.Error ?? status.Error ?? state, {
      index: failedIndex + 1,
      sql,
    });
  }
  return new RedshiftStatementError(statementId, state, status.Error ?? (state === "ABORTED" ? "aborted" : "failed"));
}

function isRetryable(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const name = "name" in error && typeof error.name === "string" ? error.name : "";
  const status =
    "$metadata" in error && typeof error.$metadata === "object" && error.$metadata !== null
      ? (error.$metadata as { httpStatusCode?: number }).httpStatusCode
      : undefined;
  return RETRYABLE.has(name) || (status !== undefined && (status === 429 || status >= 500));
}
