/**
 * The live training dashboard's server: node:http on 127.0.0.1, no dependencies, no external
 * network. `GET /` is the page (page.ts: inline JS and SVG charts), `GET /events` a Server-Sent
 * Events stream that first replays the run's history (all of it, or what follows the browser's
 * `Last-Event-ID` on an automatic reconnect) and then streams each step as it finishes, `GET
 * /history.json` the same events as one JSON array, `GET /report` the final report once the run
 * has ended with one. Subscribe a run with `dashboard.onStep` (train's `onStep` hook) and finish it
 * with `dashboard.end(...)`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { readFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import type { Socket } from "node:net";
import type { TrainConfig } from "../rl/config.js";
import { parseMetrics, type FlatMetrics, type StepMetrics } from "../rl/metrics.js";
import type { StepEvent } from "../rl/trainer.js";
import { ScratchpadError } from "../core/errors.js";
import { dashboardPage } from "./page.js";

/** The dashboard could not start (e.g. its port is taken). */
export class DashboardError extends ScratchpadError {
  override readonly name = "DashboardError";
  constructor(message: string) {
    super("dashboard_error", message);
  }
}

/** One event of the stream, as stored for replay. */
export interface DashboardEvent {
  /** 1-based, in order; the SSE `id:` (what a reconnecting browser sends back as Last-Event-ID). */
  id: number;
  /** `run` (once: what is trained), `step` (a finished step), `phase` (a line of status), `end`. */
  event: "run" | "step" | "phase" | "end";
  data: unknown;
}

/** What `end` shows: a summary, and the final report when the run wrote one. */
export interface DashboardEnd {
  /** False when the run failed (the error is shown). */
  ok: boolean;
  /** Plain-text lines (the CLI's closing summary). */
  summary: string;
  /** report.html of the run (served at /report and embedded in the page). */
  reportFile?: string;
  error?: string;
}

/** Options of `startDashboard`. */
export interface DashboardOptions {
  /** TCP port; 0 = any free port (default 0). */
  port?: number;
  /** When the port is taken, take any free port instead of failing (default false). */
  fallback?: boolean;
  /** Title of the page (e.g. "scratchpad train"). */
  title?: string;
  /** Status line shown after the last step (e.g. "evaluating; the report follows"). */
  afterTraining?: string;
  /** Seconds between keep-alive comments on open streams (default 15). */
  keepAliveSeconds?: number;
}

const HOST = "127.0.0.1";

/** The settings of a run worth showing on the page. */
function runInfo(cfg: TrainConfig): Record<string, unknown> {
  return {
    model: cfg.model,
    task: cfg.task,
    steps: cfg.steps,
    batch_size: cfg.batch_size,
    num_generations: cfg.num_generations,
    difficulty: `${cfg.min_difficulty}-${cfg.max_difficulty}`,
    loss_type: cfg.loss_type,
    learning_rate: cfg.learning_rate,
    beta: cfg.beta,
    temperature: cfg.temperature,
    dynamic_sampling: cfg.dynamic_sampling,
    output_dir: cfg.output_dir,
  };
}

/** A running dashboard; see the file header. */
export class Dashboard {
  /** Identifies this run to the page (a page that sees another id starts over). */
  readonly runId = randomUUID();
  private readonly events: DashboardEvent[] = [];
  private readonly clients = new Set<ServerResponse>();
  private readonly sockets = new Set<Socket>();
  private readonly keepAlive: NodeJS.Timeout;
  private reportHtml: string | null = null;
  private ended = false;
  private sawRun = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly opts: DashboardOptions,
  ) {
    this.keepAlive = setInterval(
      () => {
        for (const c of this.clients) c.write(": keep-alive\n\n");
      },
      (opts.keepAliveSeconds ?? 15) * 1000,
    );
    this.keepAlive.unref();
  }

  /** The page's address, e.g. http://127.0.0.1:6060/. */
  get url(): string {
    return `http://${HOST}:${this.port}/`;
  }

  /** Every event so far (what a new page is replayed). */
  history(): readonly DashboardEvent[] {
    return this.events;
  }

  /** Start serving (see `startDashboard`). */
  static async start(opts: DashboardOptions = {}): Promise<Dashboard> {
    let dash: Dashboard | null = null;
    const server = createServer((req, res) => {
      if (dash) dash.handle(req, res);
      else res.writeHead(503).end();
    });
    const listen = (port: number) =>
      new Promise<number>((resolve, reject) => {
        const onError = (err: NodeJS.ErrnoException) => {
          server.off("listening", onListening);
          reject(err);
        };
        const onListening = () => {
          server.off("error", onError);
          resolve((server.address() as AddressInfo).port);
        };
        server.once("error", onError);
        server.once("listening", onListening);
        server.listen(port, HOST);
      });
    const want = opts.port ?? 0;
    let port: number;
    try {
      port = await listen(want);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EADDRINUSE" && opts.fallback) port = await listen(0);
      else if (code === "EADDRINUSE")
        throw new DashboardError(`dashboard: port ${want} on ${HOST} is in use; pass --dashboard-port 0 (any free port), another port, or --no-dashboard`);
      else throw new DashboardError(`dashboard: cannot listen on ${HOST}:${want} (${(err as Error).message}); pass --dashboard-port 0 or --no-dashboard`);
    }
    dash = new Dashboard(server, port, opts);
    const made = dash;
    server.on("connection", (s: Socket) => {
      made.sockets.add(s);
      s.on("close", () => made.sockets.delete(s));
    });
    return dash;
  }

  /** train's `onStep` hook: records the step and streams it to every open page. */
  readonly onStep = (m: StepMetrics, cfg: TrainConfig, event: StepEvent): void => {
    if (!this.sawRun) {
      this.sawRun = true;
      this.publish("run", { title: this.opts.title ?? "scratchpad", config: runInfo(cfg) });
      if (event.step > 1) this.earlierSteps(cfg, event);
    }
    this.publish("step", { step: event.step, steps: event.steps, metrics: m, traces: event.traces });
    if (event.step >= event.steps && this.opts.afterTraining) this.phase(this.opts.afterTraining);
  };

  /** A resumed run: the steps before the resume, read back from metrics.jsonl (no traces). */
  private earlierSteps(cfg: TrainConfig, event: StepEvent): void {
    let lines: string[];
    try {
      lines = readFileSync(path.join(cfg.output_dir, "metrics.jsonl"), "utf8")
        .split("\n")
        .filter((l) => l.trim() !== "");
    } catch {
      return;
    }
    for (const line of lines) {
      try {
        const m = parseMetrics(JSON.parse(line) as FlatMetrics);
        if (m.step < event.step) this.publish("step", { step: m.step, steps: event.steps, metrics: m, traces: [] });
      } catch {
        // a torn line: skipped
      }
    }
    this.phase(`resumed after step ${event.step - 1}: the earlier steps are read back from metrics.jsonl`);
  }

  /** A line of status shown on the page (e.g. "evaluating the base model"). */
  phase(text: string): void {
    this.publish("phase", { text });
  }

  /** The run is over: the page shows the summary and the report (embedded, and at /report). */
  async end(e: DashboardEnd): Promise<void> {
    if (this.ended) return;
    let report: { href: string; path: string; html: string } | undefined;
    if (e.reportFile) {
      try {
        this.reportHtml = await readFile(e.reportFile, "utf8");
        report = { href: "/report", path: e.reportFile, html: this.reportHtml };
      } catch (err) {
        e = { ...e, error: `${e.error ? e.error + "; " : ""}the report ${e.reportFile} could not be read (${(err as Error).message})` };
      }
    }
    this.ended = true;
    this.publish("end", { ok: e.ok, summary: e.summary, error: e.error ?? null, report: report ?? null });
  }

  /** Stop serving: open streams are ended (a page keeps what it shows), the port is freed. */
  async close(): Promise<void> {
    clearInterval(this.keepAlive);
    for (const c of this.clients) c.end();
    this.clients.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroySoon();
    });
  }

  private publish(event: DashboardEvent["event"], data: unknown): void {
    const e: DashboardEvent = { id: this.events.length + 1, event, data };
    this.events.push(e);
    const frame = sseFrame(e);
    for (const c of this.clients) c.write(frame);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const host = (req.headers.host ?? "").toLowerCase();
    // Only this machine's names: a page elsewhere cannot read the stream through DNS rebinding.
    if (![`127.0.0.1:${this.port}`, `localhost:${this.port}`, `[::1]:${this.port}`].includes(host)) {
      res.writeHead(403, { "content-type": "text/plain" }).end(`forbidden host "${host}": open ${this.url}\n`);
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("GET only\n");
      return;
    }
    const url = new URL(req.url ?? "/", this.url);
    const plain = { "cache-control": "no-store", "x-content-type-options": "nosniff" };
    switch (url.pathname) {
      case "/":
      case "/index.html":
        res
          .writeHead(200, { ...plain, "content-type": "text/html; charset=utf-8" })
          .end(req.method === "HEAD" ? undefined : dashboardPage(this.opts.title ?? "scratchpad"));
        return;
      case "/events":
        this.stream(req, res);
        return;
      case "/history.json":
        res.writeHead(200, { ...plain, "content-type": "application/json" }).end(req.method === "HEAD" ? undefined : JSON.stringify(this.events));
        return;
      case "/report":
        if (this.reportHtml === null) res.writeHead(404, { ...plain, "content-type": "text/plain" }).end("no report yet: it is written when the run ends\n");
        else res.writeHead(200, { ...plain, "content-type": "text/html; charset=utf-8" }).end(req.method === "HEAD" ? undefined : this.reportHtml);
        return;
      case "/favicon.ico":
        res.writeHead(204).end();
        return;
      default:
        res.writeHead(404, { ...plain, "content-type": "text/plain" }).end("not found: the dashboard is at /\n");
    }
  }

  private stream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive", "x-accel-buffering": "no" });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    res.socket?.setNoDelay(true);
    // Replay: after Last-Event-ID when it names an event of this run (an automatic reconnect), else all.
    const last = Number(req.headers["last-event-id"]);
    const from = Number.isInteger(last) && last >= 0 && last <= this.events.length ? last : 0;
    let out = `retry: 1000\nevent: hello\ndata: ${JSON.stringify({ run_id: this.runId, replay_from: from, events: this.events.length })}\n\n`;
    for (const e of this.events.slice(from)) out += sseFrame(e);
    res.write(out);
    this.clients.add(res);
    const drop = () => this.clients.delete(res);
    req.on("close", drop);
    res.on("close", drop);
  }
}

/** One event as an SSE frame (JSON on one `data:` line: JSON escapes every newline). */
function sseFrame(e: DashboardEvent): string {
  return `id: ${e.id}\nevent: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
}

/**
 * Start a dashboard on 127.0.0.1 (`opts.port`, 0 = any free port); pass `dashboard.onStep` to
 * `train`, call `end` when the run is over and `close` to stop serving.
 * @throws DashboardError naming the port and the fix when it cannot listen.
 */
export function startDashboard(opts: DashboardOptions = {}): Promise<Dashboard> {
  return Dashboard.start(opts);
}
