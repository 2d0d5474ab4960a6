/**
 * The engine's tokenizer: one token per character of an alphabet, plus added tokens (special
 * tokens such as `<eos>` and `<pad>`, the thinking tags `<think>` / `</think>`, and optional whole
 * words such as "wait" that the model should see as one token).
 *
 * Encoding scans left to right: at each position the longest added token that matches wins;
 * otherwise the character (one Unicode code point) is looked up in the alphabet. A character
 * outside the alphabet becomes `<unk>`, or, with `byteFallback: true`, its UTF-8 bytes as the
 * tokens `<0x00>`…`<0xFF>` (the Llama convention), so that every text round-trips.
 *
 * Saved as a Hugging Face `tokenizer.json` (a BPE model with an empty merge list, which is a
 * character-level vocabulary, plus `added_tokens`, plus a post-processor that puts BOS first) that
 * the `tokenizers` library reads and tokenizes the same way, and a `tokenizer_config.json` naming
 * the special tokens' roles, with `add_bos_token: true` and the chat template `scratchpad serve`
 * applies. `encode` itself adds BOS only when asked (`addBos`).
 */
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { DEFAULT_THINK_TAGS } from "../core/think.js";
import { writeFileAtomic } from "../core/atomic.js";
import { SCRATCHPAD_CHAT_TEMPLATE } from "../core/chat-template.js";
import { ScratchpadError } from "../core/errors.js";

/** Printable ASCII (space to `~`) plus newline and tab: the default alphabet. */
export const DEFAULT_ALPHABET: string = "\n\t" + Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("");

/** The contents of the tokens that play a role (the defaults of `TokenizerOptions.roles`). */
export interface TokenRoles {
  /** Padding (ignored by the loss; default `<pad>`). */
  pad: string;
  /** Beginning of sequence (default `<bos>`; not added by `encode` unless asked). */
  bos: string;
  /** End of sequence: sampling stops here (default `<eos>`). */
  eos: string;
  /** Stands for a character outside the alphabet (default `<unk>`). */
  unk: string;
  /** Opens the scratchpad (default `<think>`). */
  think: string;
  /** Closes the scratchpad (default `</think>`). */
  thinkEnd: string;
}

/** Default role tokens. */
export const DEFAULT_ROLES: Readonly<TokenRoles> = {
  pad: "<pad>",
  bos: "<bos>",
  eos: "<eos>",
  unk: "<unk>",
  think: DEFAULT_THINK_TAGS.open,
  thinkEnd: DEFAULT_THINK_TAGS.close,
};

/** How to build a tokenizer. Every field is optional. */
export interface TokenizerOptions {
  /** Characters of the vocabulary (duplicates ignored); default `DEFAULT_ALPHABET`. */
  alphabet?: string | Iterable<string>;
  /** Extra non-special added tokens that encode as one token wherever they occur, e.g. ["wait"]. */
  words?: string[];
  /** Extra special tokens (HF `special: true`, dropped by `decode(ids, {skipSpecialTokens})`). */
  specialTokens?: string[];
  /** Override the contents of the role tokens. */
  roles?: Partial<TokenRoles>;
  /** Encode characters outside the alphabet as UTF-8 byte tokens instead of `<unk>` (adds 256 tokens). */
  byteFallback?: boolean;
}

/** One added token as in Hugging Face's `added_tokens`. */
export interface AddedToken {
  id: number;
  content: string;
  special: boolean;
}

/** A tokenizer file is malformed or unsupported, or a token is unknown. `file` names the file where there is one. */
export class TokenizerError extends ScratchpadError {
  override readonly name = "TokenizerError";
  constructor(
    message: string,
    /** The file involved, when the error came from loading one. */
    readonly file?: string,
  ) {
    super("tokenizer", file ? `${file}: ${message}` : message);
  }
}

const BYTE_TOKEN = /^<0x([0-9A-F]{2})>$/;

/** The name of the byte token for byte `b` (`<0x0A>` for a newline). */
function byteToken(b: number): string {
  return `<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`;
}

/** A character-level tokenizer with added tokens; see the file header. */
export class Tokenizer {
  /** Token content by id. */
  readonly vocab: readonly string[];
  /** Role token contents. */
  readonly roles: Readonly<TokenRoles>;
  /** Whether unknown characters become UTF-8 byte tokens. */
  readonly byteFallback: boolean;
  private readonly ids = new Map<string, number>();
  private readonly added: AddedToken[];
  private readonly specialIds = new Set<number>();
  private readonly byteOf = new Map<number, number>();
  private readonly addedByFirst = new Map<string, string[]>();

  /**
   * Build from an explicit vocabulary (ids are array indices) and the added tokens. Most callers
   * want `Tokenizer.create`, `Tokenizer.fromCorpus` or `Tokenizer.load` instead.
   */
  constructor(vocab: readonly string[], added: readonly AddedToken[], roles: TokenRoles, byteFallback: boolean) {
    this.vocab = [...vocab];
    this.roles = { ...roles };
    this.byteFallback = byteFallback;
    this.vocab.forEach((tok, id) => {
      if (this.ids.has(tok)) throw new TokenizerError(`token ${JSON.stringify(tok)} appears twice in the vocabulary (ids ${this.ids.get(tok)} and ${id})`);
      this.ids.set(tok, id);
      const m = BYTE_TOKEN.exec(tok);
      if (m) this.byteOf.set(id, parseInt(m[1], 16));
    });
    this.added = added.map((a) => ({ ...a }));
    for (const a of this.added) {
      if (this.vocab[a.id] !== a.content) {
        throw new TokenizerError(
          `added token ${JSON.stringify(a.content)} has id ${a.id}, but that id is ${JSON.stringify(this.vocab[a.id])} in the vocabulary`,
        );
      }
      if (a.special) this.specialIds.add(a.id);
      const first = a.content[0];
      const list = this.addedByFirst.get(first) ?? [];
      list.push(a.content);
      list.sort((x, y) => y.length - x.length);
      this.addedByFirst.set(first, list);
    }
    for (const [role, tok] of Object.entries(this.roles)) {
      if (!this.ids.has(tok)) throw new TokenizerError(`the ${role} token ${JSON.stringify(tok)} is not in the vocabulary`);
    }
    for (let i = 0; i < this.vocab.length; i++) {
      const tok = this.vocab[i];
      if ([...tok].length > 1 && !this.byteOf.has(i) && !this.added.some((a) => a.id === i)) {
        throw new TokenizerError(`token ${JSON.stringify(tok)} (id ${i}) is longer than one character but is not an added token; add it as a word`);
      }
    }
    if (byteFallback && this.byteOf.size !== 256) {
      throw new TokenizerError(`byte fallback needs all 256 byte tokens <0x00>…<0xFF>; the vocabulary has ${this.byteOf.size}`);
    }
  }

  /**
   * Create a tokenizer. Ids: role tokens first (pad 0, bos 1, eos 2, unk 3, `<think>` 4,
   * `</think>` 5), then extra special tokens, then words, then byte tokens (with byteFallback),
   * then the alphabet in the given order.
   */
  static create(opts: TokenizerOptions = {}): Tokenizer {
    const roles: TokenRoles = { ...DEFAULT_ROLES, ...opts.roles };
    const added: AddedToken[] = [];
    const vocab: string[] = [];
    const push = (content: string, special: boolean, kind: string) => {
      if (content.length === 0) throw new TokenizerError(`an empty string cannot be a ${kind} token`);
      if (vocab.includes(content)) throw new TokenizerError(`${kind} token ${JSON.stringify(content)} is already in the vocabulary`);
      added.push({ id: vocab.length, content, special });
      vocab.push(content);
    };
    for (const role of ["pad", "bos", "eos", "unk"] as const) push(roles[role], true, role);
    push(roles.think, false, "think");
    push(roles.thinkEnd, false, "thinkEnd");
    for (const s of opts.specialTokens ?? []) push(s, true, "special");
    for (const w of opts.words ?? []) push(w, false, "word");
    if (opts.byteFallback) for (let b = 0; b < 256; b++) vocab.push(byteToken(b));
    const alphabet = opts.alphabet ?? DEFAULT_ALPHABET;
    for (const ch of typeof alphabet === "string" ? Array.from(alphabet) : alphabet) {
      if ([...ch].length !== 1)
        throw new TokenizerError(`alphabet entry ${JSON.stringify(ch)} is not a single character; pass multi-character tokens as words`);
      if (!vocab.includes(ch)) vocab.push(ch);
    }
    return new Tokenizer(vocab, added, roles, opts.byteFallback ?? false);
  }

  /**
   * Build a tokenizer whose alphabet is every character that occurs in `corpus` (outside added
   * tokens), sorted by code point, so that the corpus encodes without `<unk>`.
   */
  static fromCorpus(corpus: string | Iterable<string>, opts: Omit<TokenizerOptions, "alphabet"> = {}): Tokenizer {
    const probe = Tokenizer.create({ ...opts, alphabet: "" });
    const chars = new Set<string>();
    for (const text of typeof corpus === "string" ? [corpus] : corpus) {
      probe.scan(text, (_added, ch) => {
        if (ch !== undefined) chars.add(ch);
      });
    }
    const alphabet = [...chars].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
    return Tokenizer.create({ ...opts, alphabet });
  }

  /** The default tokenizer: `DEFAULT_ALPHABET` plus the role tokens (103 tokens). */
  static default(): Tokenizer {
    return Tokenizer.create();
  }

  /** Number of tokens; a model's `vocab_size` must be at least this. */
  get size(): number {
    return this.vocab.length;
  }
  /** Id of the padding token. */
  get padId(): number {
    return this.ids.get(this.roles.pad)!;
  }
  /** Id of the beginning-of-sequence token. */
  get bosId(): number {
    return this.ids.get(this.roles.bos)!;
  }
  /** Id of the end-of-sequence token. */
  get eosId(): number {
    return this.ids.get(this.roles.eos)!;
  }
  /** Id of the unknown-character token. */
  get unkId(): number {
    return this.ids.get(this.roles.unk)!;
  }
  /** Id of `<think>`. */
  get thinkId(): number {
    return this.ids.get(this.roles.think)!;
  }
  /** Id of `</think>`. */
  get thinkEndId(): number {
    return this.ids.get(this.roles.thinkEnd)!;
  }
  /** The added tokens (role, special and word tokens), in id order. */
  get addedTokens(): readonly AddedToken[] {
    return this.added;
  }

  /** The id of a token's content, or undefined. */
  tokenToId(content: string): number | undefined {
    return this.ids.get(content);
  }
  /** The content of a token id, or undefined when out of range. */
  idToToken(id: number): string | undefined {
    return this.vocab[id];
  }
  /** Whether an id is a special token (HF `special: true`: pad, bos, eos, unk and extra special tokens). */
  isSpecial(id: number): boolean {
    return this.specialIds.has(id);
  }

  /** Walk `text`: calls `emit(addedToken)` for a matched added token or `emit(undefined, char)` for a character. */
  private scan(text: string, emit: (added: string | undefined, ch?: string) => void): void {
    let i = 0;
    while (i < text.length) {
      const candidates = this.addedByFirst.get(text[i]);
      const hit = candidates?.find((c) => text.startsWith(c, i));
      if (hit !== undefined) {
        emit(hit);
        i += hit.length;
        continue;
      }
      const ch = String.fromCodePoint(text.codePointAt(i)!);
      emit(undefined, ch);
      i += ch.length;
    }
  }

  /** Encode text to ids (no bos/eos added unless asked). Unknown characters: see the file header. */
  encode(text: string, opts: { addBos?: boolean; addEos?: boolean } = {}): number[] {
    const out: number[] = [];
    if (opts.addBos) out.push(this.bosId);
    this.scan(text, (added, ch) => {
      if (added !== undefined) {
        out.push(this.ids.get(added)!);
        return;
      }
      const id = this.ids.get(ch!);
      if (id !== undefined) out.push(id);
      else if (this.byteFallback) for (const b of Buffer.from(ch!, "utf8")) out.push(this.ids.get(byteToken(b))!);
      else out.push(this.unkId);
    });
    if (opts.addEos) out.push(this.eosId);
    return out;
  }

  /** The distinct characters of `text` that are outside the vocabulary (they encode as `<unk>` or bytes). */
  unknownChars(text: string): string[] {
    const unknown = new Set<string>();
    this.scan(text, (added, ch) => {
      if (added === undefined && !this.ids.has(ch!)) unknown.add(ch!);
    });
    return [...unknown];
  }

  /**
   * Decode ids to text. Added tokens decode to their content (special ones are dropped with
   * `skipSpecialTokens`); runs of byte tokens decode as UTF-8; an id outside the vocabulary (a
   * model whose vocab_size exceeds the tokenizer can sample one) decodes to U+FFFD.
   */
  decode(ids: readonly number[], opts: { skipSpecialTokens?: boolean } = {}): string {
    let out = "";
    let bytes: number[] = [];
    const flush = () => {
      if (bytes.length) out += Buffer.from(bytes).toString("utf8");
      bytes = [];
    };
    for (const id of ids) {
      const b = this.byteOf.get(id);
      if (b !== undefined) {
        bytes.push(b);
        continue;
      }
      flush();
      if (opts.skipSpecialTokens && this.specialIds.has(id)) continue;
      out += this.vocab[id] ?? "\uFFFD";
    }
    flush();
    return out;
  }

  /** The Hugging Face `tokenizer.json` object (BPE with no merges, added tokens, a BOS post-processor, Fuse decoder). */
  toJSON(): Record<string, unknown> {
    const vocab: Record<string, number> = {};
    this.vocab.forEach((tok, id) => (vocab[tok] = id));
    const fuse = { type: "Fuse" };
    const bos = this.roles.bos;
    return {
      version: "1.0",
      truncation: null,
      padding: null,
      added_tokens: this.added.map((a) => ({
        id: a.id,
        content: a.content,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: a.special,
      })),
      normalizer: null,
      pre_tokenizer: null,
      // BOS in front of every encoding (Llama's TemplateProcessing): what the models were trained
      // on, so Hugging Face tools that encode with special tokens (the default) prompt them right.
      post_processor: {
        type: "TemplateProcessing",
        single: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }],
        pair: [
          { SpecialToken: { id: bos, type_id: 0 } },
          { Sequence: { id: "A", type_id: 0 } },
          { SpecialToken: { id: bos, type_id: 1 } },
          { Sequence: { id: "B", type_id: 1 } },
        ],
        special_tokens: { [bos]: { id: bos, ids: [this.bosId], tokens: [bos] } },
      },
      decoder: this.byteFallback ? { type: "Sequence", decoders: [{ type: "ByteFallback" }, fuse] } : fuse,
      model: {
        type: "BPE",
        dropout: null,
        unk_token: this.roles.unk,
        continuing_subword_prefix: null,
        end_of_word_suffix: null,
        fuse_unk: false,
        byte_fallback: this.byteFallback,
        ignore_merges: false,
        vocab,
        merges: [],
      },
    };
  }

  /** The Hugging Face `tokenizer_config.json` object: the roles of the special tokens, `add_bos_token`, the chat template. */
  configJSON(): Record<string, unknown> {
    const addedTokensDecoder: Record<string, unknown> = {};
    for (const a of this.added) {
      addedTokensDecoder[String(a.id)] = { content: a.content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: a.special };
    }
    return {
      tokenizer_class: "PreTrainedTokenizerFast",
      bos_token: this.roles.bos,
      eos_token: this.roles.eos,
      pad_token: this.roles.pad,
      unk_token: this.roles.unk,
      add_bos_token: true,
      add_eos_token: false,
      clean_up_tokenization_spaces: false,
      added_tokens_decoder: addedTokensDecoder,
      // What `scratchpad serve` applies (BOS + the last user message), for apply_chat_template and vLLM.
      chat_template: SCRATCHPAD_CHAT_TEMPLATE,
      scratchpad: { think_token: this.roles.think, think_end_token: this.roles.thinkEnd },
    };
  }

  /** Write `tokenizer.json` and `tokenizer_config.json` into `dir` (atomically, each file). */
  async save(dir: string): Promise<void> {
    await writeFileAtomic(path.join(dir, "tokenizer.json"), JSON.stringify(this.toJSON(), null, 2) + "\n");
    await writeFileAtomic(path.join(dir, "tokenizer_config.json"), JSON.stringify(this.configJSON(), null, 2) + "\n");
  }

  /**
   * Rebuild from a parsed `tokenizer.json` (and optionally `tokenizer_config.json` for the roles).
   * Accepts BPE without merges or WordLevel, with one-character tokens, byte tokens and added
   * tokens. `file` names the source in errors.
   */
  static fromJSON(json: unknown, config?: unknown, file = "tokenizer.json"): Tokenizer {
    const fail = (msg: string): never => {
      throw new TokenizerError(msg, file);
    };
    if (typeof json !== "object" || json === null) fail("not a JSON object");
    const j = json as Record<string, unknown>;
    const model = j.model as Record<string, unknown> | undefined;
    if (!model || typeof model !== "object") fail('missing "model"');
    if (model!.type !== "BPE" && model!.type !== "WordLevel")
      fail(`model type ${JSON.stringify(model!.type)} is not supported (expected BPE without merges, or WordLevel)`);
    if (Array.isArray(model!.merges) && model!.merges.length > 0)
      fail(`BPE merges are not supported (found ${model!.merges.length}); this engine's tokenizer is character-level`);
    const vocabObj = model!.vocab as Record<string, number> | undefined;
    if (!vocabObj || typeof vocabObj !== "object") fail('missing "model.vocab"');
    const vocab: string[] = [];
    for (const [tok, id] of Object.entries(vocabObj!)) {
      if (!Number.isInteger(id) || id < 0) fail(`token ${JSON.stringify(tok)} has invalid id ${JSON.stringify(id)}`);
      if (vocab[id] !== undefined) fail(`id ${id} is used by both ${JSON.stringify(vocab[id])} and ${JSON.stringify(tok)}`);
      vocab[id] = tok;
    }
    const addedRaw = Array.isArray(j.added_tokens) ? (j.added_tokens as Record<string, unknown>[]) : [];
    const added: AddedToken[] = addedRaw.map((a) => ({ id: Number(a.id), content: String(a.content), special: Boolean(a.special) }));
    for (const a of added) {
      if (vocab[a.id] === undefined) vocab[a.id] = a.content;
    }
    for (let i = 0; i < vocab.length; i++) if (vocab[i] === undefined) fail(`ids are not contiguous: id ${i} is missing`);
    const cfg = (config ?? {}) as Record<string, unknown>;
    const str = (v: unknown) =>
      typeof v === "string"
        ? v
        : typeof v === "object" && v !== null && typeof (v as { content?: unknown }).content === "string"
          ? (v as { content: string }).content
          : undefined;
    const sp = (cfg.scratchpad ?? {}) as Record<string, unknown>;
    const roles: TokenRoles = {
      pad: str(cfg.pad_token) ?? DEFAULT_ROLES.pad,
      bos: str(cfg.bos_token) ?? DEFAULT_ROLES.bos,
      eos: str(cfg.eos_token) ?? DEFAULT_ROLES.eos,
      unk: str(cfg.unk_token) ?? (typeof model!.unk_token === "string" ? model!.unk_token : DEFAULT_ROLES.unk),
      think: str(sp.think_token) ?? DEFAULT_ROLES.think,
      thinkEnd: str(sp.think_end_token) ?? DEFAULT_ROLES.thinkEnd,
    };
    try {
      return new Tokenizer(vocab, added, roles, model!.byte_fallback === true);
    } catch (err) {
      if (err instanceof TokenizerError && err.file === undefined) throw new TokenizerError(err.message, file);
      throw err;
    }
  }

  /**
   * Load a tokenizer from a checkpoint folder (its `tokenizer.json`, plus `tokenizer_config.json`
   * when present) or from a `tokenizer.json` file path.
   */
  static async load(dirOrFile: string): Promise<Tokenizer> {
    const isJsonFile = dirOrFile.endsWith(".json");
    const file = isJsonFile ? dirOrFile : path.join(dirOrFile, "tokenizer.json");
    const cfgFile = path.join(path.dirname(file), "tokenizer_config.json");
    const json = await readJsonFile(file, (m) => new TokenizerError(m, file));
    let config: unknown;
    try {
      config = JSON.parse(await readFile(cfgFile, "utf8"));
    } catch {
      config = undefined; // optional: roles default to the standard names
    }
    return Tokenizer.fromJSON(json, config, file);
  }
}

/** Read and parse a JSON file; `err` builds the error for a missing or malformed file. */
async function readJsonFile(file: string, err: (msg: string) => Error): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw err((e as NodeJS.ErrnoException).code === "ENOENT" ? "file is missing" : `cannot read (${(e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw err(`not valid JSON (${(e as Error).message}); the file may be truncated`);
  }
}
