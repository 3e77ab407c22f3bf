import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";

/** SQS-like delivery settings; the defaults mirror the ingest queue of the stacks. */
export interface LocalQueueOptions {
  /** Where messages that failed `maxReceives` times are written, one JSON file each. */
  dlqDir: string;
  maxReceives?: number;
  batchSize?: number;
  /** How long a partial batch waits for more messages before it is delivered. */
  batchWindowMs?: number;
  /** Backoff before the n-th retry: base × 2^(n−1), capped, with full jitter. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  queueName?: string;
}

interface Message {
  id: string;
  body: string;
  receiveCount: number;
  visibleAt: number;
  sentAt: number;
  lastError?: string;
}

export type BatchConsumer = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

/** A message that used up its receives, as written to the dead-letter folder. */
export interface DeadLetter {
  messageId: string;
  queue: string;
  receiveCount: number;
  body: string;
  error: string;
  deadLetteredAt: string;
}

/**
 * An in-process stand-in for SQS + Lambda's event source mapping: batches of up to 10, partial batch
 * failures, retries with backoff, and a dead-letter folder after `maxReceives` receives.
 */
export class LocalQueue {
  private readonly messages: Message[] = [];
  /** Messages received and not yet deleted, by id (so a consumer's error can be attached to them). */
  private readonly pending = new Map<string, Message>();
  private readonly options: Required<LocalQueueOptions>;
  private inFlight = 0;
  private wake: (() => void) | undefined;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  readonly deadLetters: DeadLetter[] = [];

  constructor(options: LocalQueueOptions) {
    this.options = {
      maxReceives: 5,
      batchSize: 10,
      batchWindowMs: 200,
      retryBaseMs: 250,
      retryMaxMs: 10_000,
      queueName: "ingest",
      ...options,
    };
  }

  send(body: string): string {
    const id = randomUUID();
    const now = Date.now();
    this.messages.push({ id, body, receiveCount: 0, visibleAt: now, sentAt: now });
    this.wake?.();
    return id;
  }

  /** Messages waiting or being processed. */
  get depth(): number {
    return this.messages.length + this.inFlight;
  }

  /** Resolves once nothing is waiting or in flight. */
  idle(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Delivers batches to the consumer until `stop()`. */
  async run(consumer: BatchConsumer): Promise<void> {
    while (!this.stopped) {
      const batch = await this.nextBatch();
      if (batch.length === 0) continue;
      this.inFlight += batch.length;
      let failedIds: Set<string>;
      const errors = new Map<string, string>();
      try {
        const response = await consumer(this.eventOf(batch));
        failedIds = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
      } catch (error) {
        // A handler that throws fails the whole batch, as with Lambda.
        failedIds = new Set(batch.map((message) => message.id));
        for (const message of batch) errors.set(message.id, describe(error));
      }
      for (const message of batch) {
        if (failedIds.has(message.id)) await this.retryOrDeadLetter(message, errors.get(message.id));
        else this.pending.delete(message.id);
      }
      this.inFlight -= batch.length;
      if (this.depth === 0) this.notifyIdle();
    }
  }

  /** Records the error a consumer saw for a message, so the dead letter can say why. */
  noteError(messageId: string, error: unknown): void {
    const message = this.pending.get(messageId);
    if (message) message.lastError = describe(error);
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
    this.notifyIdle();
  }

  private async retryOrDeadLetter(message: Message, error: string | undefined): Promise<void> {
    if (error !== undefined) message.lastError = error;
    if (message.receiveCount >= this.options.maxReceives) {
      await this.deadLetter(message);
      return;
    }
    const ceiling = Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** (message.receiveCount - 1));
    message.visibleAt = Date.now() + Math.random() * ceiling;
    this.messages.push(message);
  }

  private async deadLetter(message: Message): Promise<void> {
    const letter: DeadLetter = {
      messageId: message.id,
      queue: this.options.queueName,
      receiveCount: message.receiveCount,
      body: message.body,
      error: message.lastError ?? "the consumer reported this message as failed",
      deadLetteredAt: new Date().toISOString(),
    };
    await mkdir(this.options.dlqDir, { recursive: true });
    await writeFile(join(this.options.dlqDir, `${message.id}.json`), `${JSON.stringify(letter, null, 2)}\n`);
    this.deadLetters.push(letter);
    this.pending.delete(message.id);
  }

  private async nextBatch(): Promise<Message[]> {
    const deadline = Date.now() + this.options.batchWindowMs;
    for (;;) {
      if (this.stopped) return [];
      const now = Date.now();
      const visible = this.messages.filter((message) => message.visibleAt <= now);
      if (visible.length >= this.options.batchSize || (visible.length > 0 && now >= deadline)) {
        return this.take(visible.slice(0, this.options.batchSize));
      }
      const nextVisible = Math.min(...this.messages.map((message) => message.visibleAt));
      const waitUntil = visible.length > 0 ? deadline : Number.isFinite(nextVisible) ? nextVisible : now + 60_000;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, waitUntil - now));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private take(batch: Message[]): Message[] {
    for (const message of batch) {
      this.messages.splice(this.messages.indexOf(message), 1);
      message.receiveCount++;
      this.pending.set(message.id, message);
    }
    return batch;
  }

  private eventOf(batch: Message[]): SQSEvent {
    return {
      Records: batch.map(
        (message): SQSRecord => ({
          messageId: message.id,
          receiptHandle: `${message.id}:${message.receiveCount}`,
          body: message.body,
          attributes: {
            ApproximateReceiveCount: String(message.receiveCount),
            SentTimestamp: String(message.sentAt),
            SenderId: "local",
            ApproximateFirstReceiveTimestamp: String(message.sentAt),
          },
          messageAttributes: {},
          md5OfBody: "",
          eventSource: "aws:sqs",
          eventSourceARN: `arn:aws:sqs:local:000000000000:${this.options.queueName}`,
          awsRegion: "local",
        }),
      ),
    };
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
