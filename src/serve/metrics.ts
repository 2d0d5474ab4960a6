/**
 * Server metrics in the Prometheus text exposition format (version 0.0.4), served at GET /metrics:
 * requests by endpoint and status, prompt and generated tokens, the queue depth (requests waiting
 * or running in the backend) and a request-latency histogram. Names follow Prometheus conventions
 * (`_total` counters, `_seconds` histograms), prefixed `scratchpad_`.
 */

/** Upper bounds of the latency histogram's buckets, in seconds. */
export const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** The server's counters; `render` writes them as Prometheus text. */
export class ServerMetrics {
  private readonly requests = new Map<string, number>();
  private promptTokens = 0;
  private generationTokens = 0;
  private readonly buckets = new Array<number>(LATENCY_BUCKETS.length).fill(0);
  private latencySum = 0;
  private latencyCount = 0;

  /** Count one finished request: its endpoint, HTTP status and wall time. */
  observeRequest(endpoint: string, status: number, seconds: number): void {
    const key = `${endpoint}\u0000${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    this.latencySum += seconds;
    this.latencyCount++;
    LATENCY_BUCKETS.forEach((b, i) => {
      if (seconds <= b) this.buckets[i]++;
    });
  }

  /** Count the tokens of one answered request. */
  observeTokens(prompt: number, generated: number): void {
    this.promptTokens += prompt;
    this.generationTokens += generated;
  }

  /** The Prometheus text exposition; `queueDepth` is read at scrape time. */
  render(modelName: string, queueDepth: number): string {
    const m = `model_name="${escapeLabel(modelName)}"`;
    const lines: string[] = [
      "# HELP scratchpad_requests_total HTTP requests answered, by endpoint and status code.",
      "# TYPE scratchpad_requests_total counter",
    ];
    for (const [key, n] of [...this.requests].sort()) {
      const [endpoint, status] = key.split("\u0000");
      lines.push(`scratchpad_requests_total{${m},endpoint="${escapeLabel(endpoint)}",status="${status}"} ${n}`);
    }
    lines.push(
      "# HELP scratchpad_prompt_tokens_total Prompt tokens of answered generation requests.",
      "# TYPE scratchpad_prompt_tokens_total counter",
      `scratchpad_prompt_tokens_total{${m}} ${this.promptTokens}`,
      "# HELP scratchpad_generation_tokens_total Tokens generated for answered requests.",
      "# TYPE scratchpad_generation_tokens_total counter",
      `scratchpad_generation_tokens_total{${m}} ${this.generationTokens}`,
      "# HELP scratchpad_queue_depth Generation requests waiting or running in the backend now.",
      "# TYPE scratchpad_queue_depth gauge",
      `scratchpad_queue_depth{${m}} ${queueDepth}`,
      "# HELP scratchpad_request_duration_seconds Wall time of HTTP requests, from arrival to the last byte.",
      "# TYPE scratchpad_request_duration_seconds histogram",
    );
    LATENCY_BUCKETS.forEach((b, i) => lines.push(`scratchpad_request_duration_seconds_bucket{${m},le="${b}"} ${this.buckets[i]}`));
    lines.push(
      `scratchpad_request_duration_seconds_bucket{${m},le="+Inf"} ${this.latencyCount}`,
      `scratchpad_request_duration_seconds_sum{${m}} ${this.latencySum}`,
      `scratchpad_request_duration_seconds_count{${m}} ${this.latencyCount}`,
    );
    return lines.join("\n") + "\n";
  }
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}
