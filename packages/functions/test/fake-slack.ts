// A fake Slack Web API: a real HTTP server on 127.0.0.1 (port chosen by the OS) that records every request as
// @slack/web-api sends it and answers like Slack (`{ ok, … }`, 429 with Retry-After, `{ ok: false, error }`).
// Point a WebClient at it with `slackApiUrl: fake.url`.
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as it arrived. */
export interface SlackRequest {
  /** The API method, e.g. `chat.postMessage`. */
  method: string;
  headers: IncomingMessage["headers"];
  /** The raw body. */
  body: string;
  /** The body's fields: form fields as sent (`blocks` is a JSON string there), or a JSON body's fields. */
  fields: Record<string, unknown>;
  at: number;
}

/** What the fake answers to the next call of a method: a status, headers and a JSON body. */
export interface ScriptedAnswer {
  status?: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
}

export interface FakeSlack {
  /** `http://127.0.0.1:<port>/api/`, for `slackApiUrl`. */
  readonly url: string;
  readonly requests: SlackRequest[];
  /** Queues answers for the next calls of a method (then the default: ok). */
  answer(method: string, ...answers: ScriptedAnswer[]): void;
  /** Requests of one method, in order. */
  calls(method: string): SlackRequest[];
  close(): Promise<void>;
}

/** The channel id the fake answers for any channel name, as Slack answers with the id. */
export const FAKE_CHANNEL_ID = "C0FAKE00001";

function fieldsOf(request: IncomingMessage, body: string): Record<string, unknown> {
  const type = request.headers["content-type"] ?? "";
  if (type.startsWith("application/json")) return JSON.parse(body) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(body));
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const requests: SlackRequest[] = [];
  const scripted = new Map<string, ScriptedAnswer[]>();
  let ts = 1_700_000_000;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const method = (request.url ?? "").replace(/^\/api\//, "").split("?")[0] ?? "";
      const fields = fieldsOf(request, body);
      requests.push({ method, headers: request.headers, body, fields, at: Date.now() });
      const answer = scripted.get(method)?.shift() ?? defaultAnswer(method, fields, `${++ts}.000100`);
      response.writeHead(answer.status ?? 200, { "content-type": "application/json", ...answer.headers });
      response.end(JSON.stringify(answer.body));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    requests,
    answer(method, ...answers) {
      scripted.set(method, [...(scripted.get(method) ?? []), ...answers]);
    },
    calls: (method) => requests.filter((r) => r.method === method),
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

/** What Slack answers to a call that works: the message's channel id and ts. */
function defaultAnswer(method: string, fields: Record<string, unknown>, ts: string): ScriptedAnswer {
  if (method === "chat.postMessage") return { body: { ok: true, channel: FAKE_CHANNEL_ID, ts, message: { ts } } };
  if (method === "chat.update") return { body: { ok: true, channel: fields.channel, ts: fields.ts } };
  return { body: { ok: false, error: "unknown_method" } };
}
