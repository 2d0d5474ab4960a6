/**
 * The backward pass of the Llama model: from dLoss/dLogits (in `acts.dLogits`, [B·T, V]) back through
 * every block to the embedding, ACCUMULATING into the model's gradient buffers (`model.g`).
 * Needs the activations saved by `forward` on an `Activations` in training mode, for the same batch.
 * Tied embeddings need no special case: `model.g.lmHead` is `model.g.embed`.
 */
import { headDim } from "./config.js";
import type { Activations } from "./activations.js";
import type { Kernels } from "./kernels/types.js";
import type { Model } from "./model.js";
import { ScratchpadError } from "../core/errors.js";

/** Backpropagates `acts.dLogits` through the model, adding parameter gradients into `model.g`. */
export function backward(model: Model, K: Kernels, acts: Activations, B: number, T: number): void {
  if (!acts.training)
    throw new ScratchpadError("activations_not_training", "backward needs activations saved in training mode (new Activations(config, true)).");
  const cfg = model.config;
  const N = B * T,
    C = cfg.hidden_size,
    F = cfg.intermediate_size,
    V = cfg.vocab_size;
  const H = cfg.num_attention_heads,
    KV = cfg.num_key_value_heads,
    D = headDim(cfg);
  const KW = KV * D;
  const w = model.w,
    g = model.g;
  const { dx, dLn, dAttOut, dq, dk, dv, dAtt, dAct, dGate, dUp } = acts;
  const NC = N * C,
    NF = N * F,
    NKW = N * KW;

  // logits = lnf · lm_headᵀ ; lnf = rmsnorm(xFinal)
  dLn.fill(0, 0, NC);
  K.matmulBackward(dLn, g.lmHead, acts.dLogits, acts.lnf, w.lmHead, N, C, V);
  dx.fill(0, 0, NC);
  K.rmsnormBackward(dx, g.finalNorm, dLn, acts.xFinal, w.finalNorm, acts.rstdf, N, C);

  for (let l = cfg.num_hidden_layers - 1; l >= 0; l--) {
    const a = acts.layers[l];
    const p = w.layers[l];
    const gp = g.layers[l];
    // out = xMid + act · downᵀ   (dx flows through the residual unchanged)
    dAct.fill(0, 0, NF);
    K.matmulBackward(dAct, gp.down, dx, a.act, p.down, N, F, C);
    dGate.fill(0, 0, NF);
    dUp.fill(0, 0, NF);
    K.swigluBackward(dGate, dUp, dAct, a.gate, a.up, N, F);
    dLn.fill(0, 0, NC);
    K.matmulBackward(dLn, gp.gate, dGate, a.ln2, p.gate, N, C, F);
    K.matmulBackward(dLn, gp.up, dUp, a.ln2, p.up, N, C, F);
    K.rmsnormBackward(dx, gp.postNorm, dLn, a.xMid, p.postNorm, a.rstd2, N, C);
    // xMid = xIn + attOut · oᵀ
    dAttOut.fill(0, 0, NC);
    K.matmulBackward(dAttOut, gp.o, dx, a.attOut, p.o, N, C, C);
    dq.fill(0, 0, NC);
    dk.fill(0, 0, NKW);
    dv.fill(0, 0, NKW);
    K.attentionBackward(dq, dk, dv, dAtt, dAttOut, a.q, a.k, a.v, a.att, B, T, H, KV, D);
    K.ropeBackward(dq, model.ropeCos, model.ropeSin, acts.positions, N, H, D);
    K.ropeBackward(dk, model.ropeCos, model.ropeSin, acts.positions, N, KV, D);
    dLn.fill(0, 0, NC);
    K.matmulBackward(dLn, gp.q, dq, a.ln1, p.q, N, C, C);
    K.matmulBackward(dLn, gp.k, dk, a.ln1, p.k, N, C, KW);
    K.matmulBackward(dLn, gp.v, dv, a.ln1, p.v, N, C, KW);
    K.rmsnormBackward(dx, gp.inputNorm, dLn, a.xIn, p.inputNorm, a.rstd1, N, C);
  }

  // embedding: scatter-add the residual gradient into the rows of the used tokens
  const ge = g.embed;
  for (let i = 0; i < N; i++) {
    const o = acts.tokens[i] * C;
    const r = i * C;
    for (let c = 0; c < C; c++) ge[o + c] += dx[r + c];
  }
}
