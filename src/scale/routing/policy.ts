/**
 * A saved router as a Policy: prompts go to the option the router picks, and every completion says
 * where it went (`route`), so a server can expose the decision. Prompt routers decide before any
 * sampling; probe routers run the cascade (cheap probes, escalate when unsure).
 */
import type { Completion, GenerateOptions, Policy } from "../../types.js";
import { router as probeCascade, type RoutedCompletion } from "../router.js";
import { choosePromptOption, promptProbabilities } from "./routers.js";
import type { SavedRouter } from "./saved.js";

/** A completion with the routing decision behind it. */
export interface RouteDecidedCompletion extends Completion {
  route: {
    /** Index of the chosen option (0 = cheapest). */
    option: number;
    /** The option's name in the router file. */
    name: string;
    /** Prompt router: each option's predicted accuracy. Probe router: the cheap answer's confidence. */
    scores: number[];
  };
}

/** Options of `routedPolicy`. */
export interface RoutedPolicyOptions {
  /** Override the router file's threshold. */
  threshold?: number;
}

/**
 * Wrap one Policy per option (in the router file's order, cheapest first) into one routed Policy.
 */
export function routedPolicy(saved: SavedRouter, policies: Policy[], o: RoutedPolicyOptions = {}): Policy {
  if (policies.length !== saved.options.length) {
    throw new RangeError(
      `the router file lists ${saved.options.length} options (${saved.options.map((x) => x.name).join(", ")}) but ${policies.length} policies were given`,
    );
  }
  const threshold = o.threshold ?? saved.threshold;
  const spec = saved.router;
  const closeAll = async () => {
    for (const p of new Set(policies)) await p.close?.();
  };
  if (spec.kind === "probe") {
    const cascade = probeCascade({ cheap: policies[0], strong: policies[1], probes: spec.probes, threshold, confidence: spec.confidence });
    return {
      name: `router(${saved.options.map((x) => x.name).join(" | ")})`,
      close: closeAll,
      async generate(prompts, opts = {}) {
        const out = (await cascade.generate(prompts, opts)) as RoutedCompletion[][];
        return out.map((cs) =>
          cs.map((c): RouteDecidedCompletion => {
            const k = c.escalated ? 1 : 0;
            return { ...c, route: { option: k, name: saved.options[k].name, scores: [c.confidence] } };
          }),
        );
      },
    };
  }
  return {
    name: `router(${saved.options.map((x) => x.name).join(" | ")})`,
    close: closeAll,
    async generate(prompts: string[], opts: GenerateOptions = {}) {
      const scores = prompts.map((p) => promptProbabilities(spec, p));
      const choice = scores.map((s) => choosePromptOption(s, spec.relativeCosts, threshold));
      const out: Completion[][] = new Array(prompts.length);
      for (let k = 0; k < policies.length; k++) {
        const idx = choice.map((c, i) => (c === k ? i : -1)).filter((i) => i >= 0);
        if (idx.length === 0) continue;
        const res = await policies[k].generate(
          idx.map((i) => prompts[i]),
          opts,
        );
        idx.forEach((i, x) => {
          out[i] = res[x].map((c): RouteDecidedCompletion => ({ ...c, route: { option: k, name: saved.options[k].name, scores: scores[i] } }));
        });
      }
      return out;
    },
  };
}
