// Tests of checkpoints: save/load round trip in the Hugging Face layout (optimizer state included),
// errors that name the broken file, and atomicity against thrown errors and SIGKILLed savers.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, truncate, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckpointError, loadCheckpoint, saveCheckpoint } from "./checkpoint.js";
import { validateConfig, type ModelConfig } from "./config.js";
import { tsKernels } from "./kernels/ts.js";
import { Model } from "./model.js";
import { AdamW } from "./optim.js";
import { XoshiroRng } from "../core/rng.js";
import { readSafetensors } from "./safetensors.js";
import { Tokenizer } from "./tokenizer.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "ckpt-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const tokenizer = Tokenizer.create({ alphabet: "0123456789+= \n", words: ["wait"] });

function config(over: Record<string, unknown> = {}): ModelConfig {
  return validateConfig({
    vocab_size: 24,
    hidden_size: 16,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    intermediate_size: 32,
    max_position_embeddings: 32,
    rms_norm_eps: 1e-5,
    ...over,
  });
}

/** A model and an optimizer that has taken two real AdamW steps on random gradients. */
function trainedState(cfg: ModelConfig, seed: number): { model: Model; opt: AdamW } {
  const model = Model.init(cfg, seed);
  const opt = new AdamW(model, tsKernels);
  const r = new XoshiroRng(seed);
  for (let s = 0; s < 2; s++) {
    const g = model.grads;
    for (let i = 0; i < g.length; i++) g[i] = r.normal();
    opt.step({ lr: 1e-3 });
  }
  return { model, opt };
}

describe("checkpoints", () => {
  it("round-trips model, tokenizer, optimizer state and training config in the HF layout", async () => {
    const d = path.join(dir, "rt");
    const { model, opt } = trainedState(config(), 1);
    await saveCheckpoint(d, {
      model,
      tokenizer,
      optimizer: opt.state(),
      trainingConfig: { lr: 1e-3, algo: "grpo" },
      trainerState: { step: 2 },
      generationConfig: { temperature: 0.7, max_new_tokens: 16 },
    });
    expect((await readdir(d)).sort()).toEqual([
      "config.json",
      "generation_config.json",
      "model.safetensors",
      "optimizer.safetensors",
      "tokenizer.json",
      "tokenizer_config.json",
      "trainer_state.json",
      "training_config.json",
    ]);
    const cfgJson = JSON.parse(await readFile(path.join(d, "config.json"), "utf8"));
    expect(cfgJson).toMatchObject({
      architectures: ["LlamaForCausalLM"],
      model_type: "llama",
      torch_dtype: "float32",
      vocab_size: 24,
      hidden_size: 16,
      num_key_value_heads: 2,
      tie_word_embeddings: false,
      bos_token_id: tokenizer.bosId,
      eos_token_id: tokenizer.eosId,
      pad_token_id: tokenizer.padId,
    });
    const gen = JSON.parse(await readFile(path.join(d, "generation_config.json"), "utf8"));
    expect(gen).toMatchObject({ eos_token_id: tokenizer.eosId, temperature: 0.7, max_new_tokens: 16, top_p: 1 });
    const st = await readSafetensors(path.join(d, "model.safetensors"));
    expect(st.tensors.get("model.layers.1.self_attn.k_proj.weight")!.shape).toEqual([8, 16]);
    expect(st.tensors.has("lm_head.weight")).toBe(true);

    const ck = await loadCheckpoint(d);
    expect(ck.config).toEqual({ ...model.config, bos_token_id: tokenizer.bosId, eos_token_id: tokenizer.eosId, pad_token_id: tokenizer.padId });
    expect(ck.model.params).toEqual(model.params);
    expect(ck.tokenizer.vocab).toEqual(tokenizer.vocab);
    expect(ck.generationConfig.temperature).toBe(0.7);
    expect(ck.trainingConfig).toEqual({ lr: 1e-3, algo: "grpo" });
    expect(ck.trainerState).toEqual({ step: 2 });
    expect(ck.optimizer!.step).toBe(2);
    expect(ck.optimizer!.m).toEqual(opt.m);
    expect(ck.optimizer!.v).toEqual(opt.v);
    // the restored optimizer continues exactly like the original
    const opt2 = new AdamW(ck.model, tsKernels);
    opt2.loadState(ck.optimizer!);
    for (const [m, o] of [
      [model, opt],
      [ck.model, opt2],
    ] as const) {
      m.grads.fill(0.5);
      o.step({ lr: 1e-3 });
    }
    expect(ck.model.params).toEqual(model.params);
  });

  it("a tied model has no lm_head.weight and loads back tied", async () => {
    const d = path.join(dir, "tied");
    const model = Model.init(config({ tie_word_embeddings: true }), 3);
    await saveCheckpoint(d, { model, tokenizer });
    const st = await readSafetensors(path.join(d, "model.safetensors"));
    expect(st.tensors.has("lm_head.weight")).toBe(false);
    const ck = await loadCheckpoint(d);
    expect(ck.config.tie_word_embeddings).toBe(true);
    expect(ck.model.params).toEqual(model.params);
    expect(ck.optimizer).toBeUndefined();
    expect(ck.generationConfig).toMatchObject({ do_sample: true, temperature: 1, eos_token_id: tokenizer.eosId });
  });

  it("refuses a vocab_size smaller than the tokenizer", async () => {
    const model = Model.init(config({ vocab_size: 10 }), 1);
    await expect(saveCheckpoint(path.join(dir, "small"), { model, tokenizer })).rejects.toThrow(
      /config\.json: vocab_size 10 is smaller than the tokenizer's 21 tokens; set vocab_size to at least 21/,
    );
  });

  describe("a broken checkpoint gives an error naming the file", () => {
    const cases: [string, (d: string) => Promise<void>, RegExp][] = [
      ["missing folder", (d) => rm(d, { recursive: true }), /: no such checkpoint folder/],
      ["missing model.safetensors", (d) => unlink(path.join(d, "model.safetensors")), /model\.safetensors: file is missing/],
      [
        "truncated model.safetensors",
        (d) => truncate(path.join(d, "model.safetensors"), 3000),
        /model\.safetensors: file is truncated: the header describes \d+ bytes of tensor data but only \d+ are present/,
      ],
      ["missing config.json", (d) => unlink(path.join(d, "config.json")), /config\.json: file is missing; the folder is not a complete checkpoint/],
      ["truncated config.json", async (d) => truncate(path.join(d, "config.json"), 40), /config\.json: not valid JSON .*truncated/],
      ["missing tokenizer.json", (d) => unlink(path.join(d, "tokenizer.json")), /tokenizer\.json: file is missing/],
      [
        "config that does not match the weights",
        (d) => editConfig(d, { intermediate_size: 48 }),
        /model\.safetensors: .*tensor model\.layers\.0\.mlp\.gate_proj\.weight has shape \[32, 16\] but config\.json implies \[48, 16\]/,
      ],
      [
        "invalid config field",
        (d) => editConfig(d, { num_key_value_heads: 3 }),
        /config\.json: config field "num_key_value_heads": 3 does not divide num_attention_heads 4/,
      ],
      [
        "vocab smaller than the tokenizer",
        (d) => editConfig(d, { vocab_size: 8, bos_token_id: 1, eos_token_id: 2, pad_token_id: 0 }),
        /config\.json: vocab_size 8 is smaller than the tokenizer's 21 tokens/,
      ],
      ["config with fewer layers than the weights", (d) => editConfig(d, { num_hidden_layers: 1 }), /model\.safetensors: unexpected tensor model\.layers\.1\./],
      ["truncated optimizer.safetensors", (d) => truncate(path.join(d, "optimizer.safetensors"), 100), /optimizer\.safetensors: file is truncated/],
    ];
    for (const [what, breakIt, re] of cases) {
      it(what, async () => {
        const d = path.join(dir, `broken-${what.replace(/\W+/g, "-")}`);
        const { model, opt } = trainedState(config(), 2);
        await saveCheckpoint(d, { model, tokenizer, optimizer: opt.state() });
        await breakIt(d);
        const err = await loadCheckpoint(d).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(CheckpointError);
        expect(String((err as Error).message)).toMatch(re);
      });
    }
  });

  it("a save that fails midway leaves the previous checkpoint intact", async () => {
    const d = path.join(dir, "fail");
    const first = Model.init(config(), 1);
    await saveCheckpoint(d, { model: first, tokenizer, trainerState: { step: 1 } });
    const second = Model.init(config(), 2);
    // JSON cannot encode a BigInt: the save throws after the weights were written to the temp folder.
    await expect(saveCheckpoint(d, { model: second, tokenizer, trainerState: { step: 2n } })).rejects.toThrow(/BigInt/);
    const ck = await loadCheckpoint(d);
    expect(ck.model.params).toEqual(first.params);
    expect(ck.trainerState).toEqual({ step: 1 });
    expect((await readdir(dir)).filter((n) => n.startsWith(".fail."))).toEqual([]);
  });

  describe("with another process saving in a loop", () => {
    const big = config({ hidden_size: 128, intermediate_size: 512, num_hidden_layers: 4, vocab_size: 64 });
    const versions = [Model.init(big, 10), Model.init(big, 11)];
    const here = (f: string) => JSON.stringify(fileURLToPath(new URL(f, import.meta.url)));
    /** Start a child that alternates between the two versions, saving as fast as it can; resolves after its first save. */
    async function startSaver(d: string): Promise<ChildProcess> {
      const script = `
        import { saveCheckpoint } from ${here("./checkpoint.ts")};
        import { validateConfig } from ${here("./config.ts")};
        import { Model } from ${here("./model.ts")};
        import { Tokenizer } from ${here("./tokenizer.ts")};
        const cfg = validateConfig(${JSON.stringify(big)});
        const tok = Tokenizer.fromJSON(${JSON.stringify(tokenizer.toJSON())});
        const models = [Model.init(cfg, 10), Model.init(cfg, 11)];
        for (let i = 1; ; i++) {
          await saveCheckpoint(${JSON.stringify(d)}, { model: models[i % 2], tokenizer: tok, trainerState: { seed: 10 + (i % 2) } });
          if (i === 1) console.log("saved");
        }`;
      const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (b: Buffer) => b.toString().includes("saved") && resolve());
        child.on("exit", (code) => reject(new Error(`saver exited early with ${code}`)));
      });
      return child;
    }
    /** Load and check that the weights belong to the version trainer_state.json names. */
    async function loadConsistent(d: string): Promise<number> {
      const ck = await loadCheckpoint(d);
      const seed = ck.trainerState!.seed as number;
      expect([10, 11]).toContain(seed);
      // (byte comparison: vitest's deep equality is very slow on arrays of a million floats)
      expect(Buffer.from(ck.model.params.buffer).equals(Buffer.from(versions[seed - 10].params.buffer))).toBe(true);
      return seed;
    }

    it("a saver killed with SIGKILL at random moments never leaves a broken checkpoint", async () => {
      const d = path.join(dir, "killed");
      await saveCheckpoint(d, { model: versions[0], tokenizer, trainerState: { seed: 10 } });
      for (const delay of [5, 60, 150]) {
        // one save of this model takes ~100-200 ms here
        const child = await startSaver(d);
        await new Promise((r) => setTimeout(r, delay));
        child.kill("SIGKILL");
        await new Promise((r) => child.on("exit", r));
        await loadConsistent(d);
      }
    }, 120_000);

    it("loads while another process replaces the checkpoint never mix two versions", async () => {
      const d = path.join(dir, "busy");
      await saveCheckpoint(d, { model: versions[0], tokenizer, trainerState: { seed: 10 } });
      const child = await startSaver(d);
      try {
        // Load until loads have met both versions (however slowly a busy machine runs the saver),
        // at least 12 times; every load is checked for a mix.
        const seen = new Set<number>();
        for (let i = 0; i < 12 || (seen.size < 2 && i < 2000); i++) seen.add(await loadConsistent(d));
        expect(seen.size).toBe(2); // the loads did overlap with saves of both versions
      } finally {
        child.kill("SIGKILL");
      }
    }, 120_000);
  });
});

/** Overwrite fields of a checkpoint's config.json. */
async function editConfig(d: string, over: Record<string, unknown>): Promise<void> {
  const f = path.join(d, "config.json");
  const cfg = JSON.parse(await readFile(f, "utf8"));
  await writeFile(f, JSON.stringify({ ...cfg, ...over }));
}
