/**
 * A router as a serve backend: `scratchpad serve --router FILE --cheap A --strong B` fronts two
 * (or more) backends with a saved router, so a deployment uses routing unchanged through the
 * OpenAI API. Each option is a checkpoint (the embedded engine's continuous batcher, token
 * streaming) or an OpenAI-compatible URL (through the openai backend; a streamed answer from a URL
 * arrives as one chunk). Every result says which option answered (`route`), and prompt routers
 * decide before generating, so the server can put the decision in a response header up front.
 */
import type { Completion, Policy } from "../types.js";
import { defaultAnswerExtractor } from "../scale/answers.js";
import { voteConfidence } from "../scale/router.js";
import { choosePromptOption, promptProbabilities, type ProbeRouterSpec } from "../scale/routing/routers.js";
import type { SavedRouter } from "../scale/routing/saved.js";
import type { GenerationRequest, GenerationResult, ServeBackend } from "./backend.js";

/** Which option answered a request. */
export interface RouteDecision {
  /** Index in the router file's options (0 = cheapest). */
  option: number;
  /** The option's name in the router file. */
  name: string;
}

/** A serve backend's result with the routing decision. */
export type RoutedGenerationResult = GenerationResult & { route?: RouteDecision };

/**
 * A Policy (e.g. an OpenAI-compatible endpoint) as a serve backend. The whole completion arrives as
 * one token event, since a Policy returns whole completions.
 */
export class PolicyBackend implements ServeBackend {
  readonly contextLength: number;

  constructor(
    private readonly policy: Policy,
    contextLength = 1 << 20,
  ) {
    this.contextLength = contextLength;
  }

  countTokens(text: string): number {
    return this.policy.countTokens ? this.policy.countTokens(text) : Math.ceil(text.length / 4);
  }

  async submit(req: GenerationRequest): Promise<GenerationResult> {
    const [[c]] = await this.policy.generate([req.prompt], {
      n: 1,
      maxTokens: req.maxTokens,
      temperature: req.temperature,
      topP: req.topP,
      topK: req.topK,
      stop: req.stop,
      seed: req.seed,
      logprobs: true,
      signal: req.signal,
    });
    const logprob = (c.logprobs ?? []).reduce((a, b) => a + b, 0);
    const ev = { text: c.text, id: -1, logprob };
    req.onToken?.(ev);
    return {
      text: c.text,
      tokens: [ev],
      finishReason: c.finishReason === "length" ? "length" : "stop",
      promptTokens: this.countTokens(req.prompt),
      completionTokens: c.completionTokens,
      thinkingTokens: c.thinkingTokens ?? 0,
    };
  }

  async close(): Promise<void> {
    await this.policy.close?.();
  }
}

/** A saved router in front of one backend per option (in the router file's order). */
export class RoutingBackend implements ServeBackend {
  readonly contextLength: number;
  private readonly threshold: number;
  private readonly answer = defaultAnswerExtractor();
  private readonly names: string[];

  /**
   * `o.names`: what the `route` field and header call each backend (default: the router file's
   * option names). A server passes what it fronts. Each backend answers as it is given: to answer as
   * an option was calibrated (its `votes`, `budget`), wrap it first (`scratchpad serve --router`
   * does, with the Policy strategies).
   */
  constructor(
    private readonly saved: SavedRouter,
    private readonly backends: ServeBackend[],
    o: { threshold?: number; names?: string[] } = {},
  ) {
    if (backends.length !== saved.options.length) {
      throw new RangeError(
        `the router file lists ${saved.options.length} options (${saved.options.map((x) => x.name).join(", ")}) but ${backends.length} backends were given`,
      );
    }
    this.names = o.names ?? saved.options.map((x) => x.name);
    this.threshold = o.threshold ?? saved.threshold;
    this.contextLength = Math.min(...backends.map((b) => b.contextLength));
  }

  /** Prompt routers: the option a prompt goes to, known before generating (probe routers: undefined). */
  route(prompt: string): RouteDecision | undefined {
    const spec = this.saved.router;
    if (spec.kind !== "prompt") return undefined;
    const k = choosePromptOption(promptProbabilities(spec, prompt), spec.relativeCosts, this.threshold);
    return { option: k, name: this.names[k] };
  }

  countTokens(text: string): number {
    return this.backends[0].countTokens(text);
  }

  get load(): number {
    return this.backends.reduce((a, b) => a + (b.load ?? 0), 0);
  }

  async submit(req: GenerationRequest): Promise<RoutedGenerationResult> {
    const decided = this.route(req.prompt);
    if (decided) return { ...(await this.backends[decided.option].submit(req)), route: decided };
    const spec = this.saved.router;
    return this.cascade(req, spec.kind === "probe" ? spec : { kind: "probe", probes: 1, confidence: "agreement" });
  }

  /** Probe router: sample the cheap backend, answer with its majority when confident, else escalate. */
  private async cascade(req: GenerationRequest, spec: ProbeRouterSpec): Promise<RoutedGenerationResult> {
    const probes = await Promise.all(
      Array.from({ length: spec.probes }, (_, j) =>
        this.backends[0].submit({ ...req, onToken: undefined, seed: req.seed === undefined ? undefined : req.seed + 7919 * j }),
      ),
    );
    const asCompletions: Completion[] = probes.map((g) => ({
      text: g.text,
      finishReason: g.finishReason === "length" ? "length" : "stop",
      completionTokens: g.completionTokens,
      logprobs: g.tokens.map((t) => t.logprob),
    }));
    const vote = voteConfidence(
      asCompletions,
      asCompletions.map((c) => this.answer(c.text)),
      spec.confidence,
    );
    const probeTokens = probes.reduce((a, g) => a + g.completionTokens, 0);
    if (vote.confidence >= this.threshold) {
      const chosen = probes[vote.index];
      for (const t of chosen.tokens) req.onToken?.(t);
      return { ...chosen, completionTokens: probeTokens, route: { option: 0, name: this.names[0] } };
    }
    const strong = await this.backends[1].submit(req);
    return { ...strong, completionTokens: probeTokens + strong.completionTokens, route: { option: 1, name: this.names[1] } };
  }

  async close(): Promise<void> {
    for (const b of new Set(this.backends)) await b.close?.();
  }
}
