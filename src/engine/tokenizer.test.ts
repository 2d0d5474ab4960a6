// Tests of the character-level tokenizer: round trips, added-token matching, unknown characters,
// the tokenizer.json shape, and that Hugging Face's own tokenizer library reads our file the same way.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Tokenizer as HFTokenizer } from "@huggingface/tokenizers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ALPHABET, Tokenizer, TokenizerError } from "./tokenizer.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "tok-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("Tokenizer", () => {
  it("the default tokenizer round-trips printable text and has the role tokens first", () => {
    const tok = Tokenizer.default();
    expect(tok.size).toBe(6 + DEFAULT_ALPHABET.length);
    expect([tok.padId, tok.bosId, tok.eosId, tok.unkId, tok.thinkId, tok.thinkEndId]).toEqual([0, 1, 2, 3, 4, 5]);
    const text = "Q: 12+34=?\n<think>2+4=6, 1+3=4</think> 46<eos>";
    const ids = tok.encode(text);
    expect(tok.decode(ids)).toBe(text);
    expect(ids.filter((i) => i === tok.thinkId)).toHaveLength(1);
    expect(ids.filter((i) => i === tok.thinkEndId)).toHaveLength(1);
    expect(ids[ids.length - 1]).toBe(tok.eosId);
    // one token per character outside the added tokens
    expect(ids.length).toBe(text.length - "<think>".length - "</think>".length - "<eos>".length + 3);
  });

  it("matches the longest added token and treats words as single tokens", () => {
    const tok = Tokenizer.create({ alphabet: "abcdefghijklmnopqrstuvwxyz <>/", words: ["wait", "wai", "<think>!"] });
    const ids = tok.encode("wait, <think>! waiter");
    const tokens = ids.map((i) => tok.idToToken(i));
    expect(tokens).toEqual(["wait", "<unk>", " ", "<think>!", " ", "wait", "e", "r"]);
    expect(tok.encode("<think>x")[0]).toBe(tok.thinkId);
    expect(tok.encode("wa").map((i) => tok.idToToken(i))).toEqual(["w", "a"]);
  });

  it("maps unknown characters to <unk> and reports them", () => {
    const tok = Tokenizer.create({ alphabet: "0123456789+=" });
    expect(tok.encode("1+x=é")).toEqual([tok.tokenToId("1"), tok.tokenToId("+"), tok.unkId, tok.tokenToId("="), tok.unkId]);
    expect(tok.unknownChars("1+x=é😀")).toEqual(["x", "é", "😀"]);
    expect(tok.decode(tok.encode("1+x"))).toBe("1+<unk>");
    expect(tok.decode(tok.encode("1+x"), { skipSpecialTokens: true })).toBe("1+");
  });

  it("with byteFallback round-trips any Unicode text through UTF-8 byte tokens", () => {
    const tok = Tokenizer.create({ alphabet: "abc ", byteFallback: true });
    const text = "abc é 😀 ∑ b";
    const ids = tok.encode(text);
    expect(ids).not.toContain(tok.unkId);
    expect(tok.decode(ids)).toBe(text);
    expect(tok.encode("é").map((i) => tok.idToToken(i))).toEqual(["<0xC3>", "<0xA9>"]);
  });

  it("decodes ids beyond the vocabulary to U+FFFD instead of throwing", () => {
    const tok = Tokenizer.default();
    expect(tok.decode([tok.tokenToId("a")!, tok.size + 5])).toBe("a\uFFFD");
  });

  it("fromCorpus builds the alphabet from the corpus, outside added tokens", () => {
    const corpus = ["12+3=<think>2+3=5 wait</think>15", "9+9=18"];
    const tok = Tokenizer.fromCorpus(corpus, { words: ["wait"] });
    // role tokens (6) + "wait" + the characters 0-9 that occur, + = space
    const chars = [...new Set(corpus.join("").replace(/<\/?think>|wait/g, ""))];
    expect(tok.size).toBe(7 + chars.length);
    expect(tok.tokenToId("<")).toBeUndefined(); // only seen inside <think>
    for (const line of corpus) expect(tok.decode(tok.encode(line))).toBe(line);
    expect(tok.unknownChars(corpus.join(""))).toEqual([]);
  });

  it("rejects bad configurations with a clear error", () => {
    expect(() => Tokenizer.create({ words: ["<eos>"] })).toThrow(/already in the vocabulary/);
    expect(() => Tokenizer.create({ alphabet: ["ab"] })).toThrow(TokenizerError);
    expect(() => Tokenizer.create({ words: [""] })).toThrow(/empty string/);
  });

  it("writes a Hugging Face tokenizer.json that loads back identically", async () => {
    const tok = Tokenizer.create({ words: ["wait"], specialTokens: ["<answer>"], alphabet: "0123456789+= \n" });
    const d = path.join(dir, "rt");
    await mkdir(d);
    await tok.save(d);
    const json = JSON.parse(await readFile(path.join(d, "tokenizer.json"), "utf8"));
    expect(json.model.type).toBe("BPE");
    expect(json.model.merges).toEqual([]);
    expect(json.model.vocab["+"]).toBe(tok.tokenToId("+"));
    expect(json.added_tokens).toContainEqual({
      id: tok.eosId,
      content: "<eos>",
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    });
    expect(json.added_tokens).toContainEqual(expect.objectContaining({ content: "<think>", special: false }));
    expect(json.added_tokens).toContainEqual(expect.objectContaining({ content: "wait", special: false }));
    const cfg = JSON.parse(await readFile(path.join(d, "tokenizer_config.json"), "utf8"));
    expect(cfg.eos_token).toBe("<eos>");
    const back = await Tokenizer.load(d);
    expect(back.vocab).toEqual(tok.vocab);
    expect(back.addedTokens).toEqual(tok.addedTokens);
    expect(back.roles).toEqual(tok.roles);
    const text = "12+30=<think>wait</think>42<answer>";
    expect(back.encode(text)).toEqual(tok.encode(text));
  });

  it("Hugging Face's tokenizer library encodes and decodes our tokenizer.json the same way", async () => {
    for (const byteFallback of [false, true]) {
      const tok = Tokenizer.create({ words: ["wait"], byteFallback });
      const hf = new HFTokenizer(tok.toJSON(), tok.configJSON());
      const text = byteFallback ? "Hi <think>wait, 2+2=4?</think> é 4<eos>" : "Hi <think>wait, 2+2=4?</think>\n\t4 awaits<eos>";
      const ids = tok.encode(text);
      expect(hf.encode(text, { add_special_tokens: false }).ids).toEqual(ids);
      expect(hf.decode(ids)).toBe(tok.decode(ids));
      expect(hf.decode(ids, { skip_special_tokens: true })).toBe(tok.decode(ids, { skipSpecialTokens: true }));
    }
  });

  it("loading a broken or unsupported tokenizer.json names the file and the problem", async () => {
    const bad = path.join(dir, "bad.json");
    await writeFile(bad, '{"model": {"type": "BPE", "vocab": {"a": 0}');
    await expect(Tokenizer.load(bad)).rejects.toThrow(/bad\.json: not valid JSON/);
    await writeFile(bad, JSON.stringify({ model: { type: "Unigram", vocab: [] } }));
    await expect(Tokenizer.load(bad)).rejects.toThrow(/bad\.json: model type "Unigram" is not supported/);
    await writeFile(bad, JSON.stringify({ model: { type: "BPE", vocab: { a: 0, ab: 1 }, merges: ["a b"] } }));
    await expect(Tokenizer.load(bad)).rejects.toThrow(/merges are not supported/);
    await writeFile(bad, JSON.stringify({ model: { type: "BPE", vocab: { a: 0 }, merges: [] } }));
    await expect(Tokenizer.load(bad)).rejects.toThrow(/bad\.json: the pad token "<pad>" is not in the vocabulary/);
    await expect(Tokenizer.load(path.join(dir, "nowhere"))).rejects.toThrow(/tokenizer\.json: file is missing/);
  });
});
