/**
 * The forward pass of the Llama model over a batch of B sequences of T tokens (right-padded), exactly
 * as Hugging Face's LlamaForCausalLM computes it:
 *
 *   x = embed[tokens]
 *   for each block: x = x + o_proj(attn(rope(q_proj(n1)), rope(k_proj(n1)), v_proj(n1)))  with n1 = rmsnorm(x)
 *                   x = x + down_proj(silu(gate_proj(n2)) · up_proj(n2))                    with n2 = rmsnorm(x)
 *   logits = lm_head(rmsnorm(x))
 *
 * Causal attention makes right padding harmless: a real position never attends to a later (padding)
 * one, so no attention mask is needed. All arithmetic goes through the `Kernels` interface.
 */
import { headDim } from "./config.js";
import type { Activations, LayerActivations } from "./activations.js";
import type { Kernels } from "./kernels/types.js";
import type { Model } from "./model.js";
import { ScratchpadError } from "../core/errors.js";

/** Raised for token ids outside the vocabulary or batches longer than the model's context. */
export class BatchError extends ScratchpadError {
  constructor(message: string) {
    super("batch", message);
  }
  override readonly name = "BatchError";
}

/** Copies embedding rows for N tokens into x[N, C], checking ids against the vocabulary. */
export function embed(x: Float32Array, table: Float32Array, tokens: Int32Array, N: number, C: number, V: number): void {
  for (let i = 0; i < N; i++) {
    const t = tokens[i];
    if (t < 0 || t >= V || !Number.isInteger(t))
      throw new BatchError(`token id ${t} at row ${i} is outside the vocabulary [0, ${V}); check the tokenizer matches the model.`);
    x.set(table.subarray(t * C, t * C + C), i * C);
  }
}

/**
 * Runs the forward pass. `acts.tokens[0..B·T)` must hold the input ids (row-major [B, T]); positions
 * are 0..T-1 in every row. Fills every activation of `acts` and, when `computeLogits` is true, the
 * logits [B·T, V]. `onLayer(l, a)` is called after block l's attention (the sampler copies keys and
 * values into its KV cache there, since inference activations are shared between blocks).
 */
export function forward(
  model: Model,
  K: Kernels,
  acts: Activations,
  B: number,
  T: number,
  computeLogits = true,
  onLayer?: (l: number, a: LayerActivations) => void,
): void {
  const cfg = model.config;
  if (T > cfg.max_position_embeddings) {
    throw new BatchError(
      `sequence length ${T} exceeds max_position_embeddings ${cfg.max_position_embeddings}; shorten the input or raise the model's context.`,
    );
  }
  acts.ensure(B, T);
  const N = B * T,
    C = cfg.hidden_size,
    F = cfg.intermediate_size,
    V = cfg.vocab_size;
  const H = cfg.num_attention_heads,
    KV = cfg.num_key_value_heads,
    D = headDim(cfg);
  const KW = KV * D,
    eps = cfg.rms_norm_eps;
  const w = model.w;
  const pos = acts.positions;
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) pos[b * T + t] = t;
  embed(acts.layers.length ? acts.layers[0].xIn : acts.xFinal, w.embed, acts.tokens, N, C, V);
  for (let l = 0; l < cfg.num_hidden_layers; l++) {
    const a = acts.layers[l];
    const p = w.layers[l];
    K.rmsnorm(a.ln1, a.rstd1, a.xIn, p.inputNorm, N, C, eps);
    K.matmul(a.q, a.ln1, p.q, N, C, C, false);
    K.matmul(a.k, a.ln1, p.k, N, C, KW, false);
    K.matmul(a.v, a.ln1, p.v, N, C, KW, false);
    K.rope(a.q, model.ropeCos, model.ropeSin, pos, N, H, D);
    K.rope(a.k, model.ropeCos, model.ropeSin, pos, N, KV, D);
    K.attention(a.attOut, a.att, a.q, a.k, a.v, B, T, H, KV, D);
    onLayer?.(l, a);
    a.xMid.set(a.xIn.subarray(0, N * C));
    K.matmul(a.xMid, a.attOut, p.o, N, C, C, true);
    K.rmsnorm(a.ln2, a.rstd2, a.xMid, p.postNorm, N, C, eps);
    K.matmul(a.gate, a.ln2, p.gate, N, C, F, false);
    K.matmul(a.up, a.ln2, p.up, N, C, F, false);
    K.swiglu(a.act, a.gate, a.up, N, F);
    const out = acts.blockOutput(l);
    out.set(a.xMid.subarray(0, N * C));
    K.matmul(out, a.act, p.down, N, F, C, true);
  }
  K.rmsnorm(acts.lnf, acts.rstdf, acts.xFinal, w.finalNorm, N, C, eps);
  if (computeLogits) K.matmul(acts.logits, acts.lnf, w.lmHead, N, C, V, false);
}
