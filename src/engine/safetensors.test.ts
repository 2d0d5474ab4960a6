// Tests of the safetensors reader/writer: round trip, other dtypes, a file written by PyTorch's
// reference reader's conventions, and named errors for truncated or corrupted files.
import { mkdtemp, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeSafetensors, parseSafetensors, readSafetensors, SafetensorsError, writeSafetensors, type NamedTensor } from "./safetensors.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "st-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const tensors: NamedTensor[] = [
  { name: "model.embed_tokens.weight", shape: [3, 4], data: Float32Array.from({ length: 12 }, (_, i) => i * 0.25 - 1) },
  { name: "model.norm.weight", shape: [4], data: new Float32Array([1, -2.5, 3e-8, 1e20]) },
  { name: "scalar", shape: [], data: new Float32Array([Math.PI]) },
];

/** Build a safetensors file by hand with an arbitrary header and data section. */
function rawFile(header: unknown, data: Uint8Array): Uint8Array {
  const h = Buffer.from(JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

describe("safetensors", () => {
  it("round-trips F32 tensors, shapes and metadata through a file", async () => {
    const file = path.join(dir, "rt.safetensors");
    await writeSafetensors(file, tensors, { format: "pt" });
    const back = await readSafetensors(file);
    expect([...back.tensors.keys()]).toEqual(tensors.map((t) => t.name));
    for (const t of tensors) {
      expect(back.tensors.get(t.name)!.shape).toEqual(t.shape);
      expect(back.tensors.get(t.name)!.data).toEqual(t.data);
      expect(back.dtypes.get(t.name)).toBe("F32");
    }
    expect(back.metadata).toEqual({ format: "pt" });
    // the header is padded so that the data starts 8-byte aligned
    const bytes = await readFile(file);
    const n = Number(bytes.readBigUInt64LE(0));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString());
    expect(header["model.norm.weight"]).toEqual({ dtype: "F32", shape: [4], data_offsets: [48, 64] });
  });

  it("reads F16, BF16 and F64 tensors as float32", () => {
    const f16 = new Uint16Array([0x3c00, 0xc000, 0x3555, 0x0001, 0x7c00]); // 1, -2, ~0.333, 2^-24, inf
    const bf16 = new Uint16Array([0x3f80, 0xc049]); // 1, -3.140625
    const f64 = new Float64Array([0.1, -7]);
    const data = new Uint8Array(10 + 4 + 16);
    data.set(new Uint8Array(f16.buffer), 0);
    data.set(new Uint8Array(bf16.buffer), 10);
    data.set(new Uint8Array(f64.buffer), 14);
    const file = rawFile(
      {
        a: { dtype: "F16", shape: [5], data_offsets: [0, 10] },
        b: { dtype: "BF16", shape: [2], data_offsets: [10, 14] },
        c: { dtype: "F64", shape: [2, 1], data_offsets: [14, 30] },
      },
      data,
    );
    const out = parseSafetensors(file, "mixed.safetensors");
    expect([...out.tensors.get("a")!.data]).toEqual([1, -2, expect.closeTo(1 / 3, 3), 2 ** -24, Infinity]);
    expect([...out.tensors.get("b")!.data]).toEqual([1, -3.140625]);
    expect([...out.tensors.get("c")!.data]).toEqual([Math.fround(0.1), -7]);
    expect(out.dtypes.get("b")).toBe("BF16");
  });

  it("a truncated file is an error that names the file and the tensor", async () => {
    const file = path.join(dir, "trunc.safetensors");
    await writeSafetensors(file, tensors);
    const size = (await readFile(file)).length;
    await truncate(file, size - 10);
    const err = await readSafetensors(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SafetensorsError);
    expect((err as SafetensorsError).file).toBe(file);
    expect(String(err)).toMatch(
      /trunc\.safetensors: file is truncated: the header describes 68 bytes of tensor data but only 58 are present \(incomplete: "model.norm.weight", "scalar"\)/,
    );
    await truncate(file, 5);
    await expect(readSafetensors(file)).rejects.toThrow(/trunc\.safetensors: file is truncated: 5 bytes/);
    await truncate(file, 40);
    await expect(readSafetensors(file)).rejects.toThrow(/file is truncated or not safetensors: header length/);
  });

  it("corrupted headers give named errors", async () => {
    const data = new Uint8Array(16);
    const cases: [unknown, RegExp][] = [
      [
        { w: { dtype: "F32", shape: [2, 3], data_offsets: [0, 16] } },
        /tensor "w": header mismatch: shape \[2, 3\] of F32 needs 24 bytes but data_offsets span 16/,
      ],
      [{ w: { dtype: "Q4", shape: [4], data_offsets: [0, 16] } }, /tensor "w": unsupported dtype "Q4"/],
      [{ w: { dtype: "F32", shape: [-1], data_offsets: [0, 16] } }, /shape \[-1\] is not a list of non-negative integers/],
      [{ w: { dtype: "F32", shape: [4], data_offsets: [8, 4] } }, /data_offsets \[8,4\] is not \[begin, end\]/],
      [{ a: { dtype: "F32", shape: [3], data_offsets: [0, 12] }, b: { dtype: "F32", shape: [2], data_offsets: [8, 16] } }, /tensors "a" and "b" overlap/],
      [[1, 2], /header is not a JSON object/],
    ];
    for (const [header, re] of cases) {
      const file = path.join(dir, "bad.safetensors");
      await writeFile(file, rawFile(header, data));
      const err = await readSafetensors(file).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SafetensorsError);
      expect(String(err)).toContain("bad.safetensors");
      expect(String(err)).toMatch(re);
    }
    const notJson = rawFile({}, data);
    notJson[9] = 0x7b; // "{{"
    expect(() => parseSafetensors(notJson, "x.safetensors")).toThrow(/x\.safetensors: header is not valid JSON/);
  });

  it("a missing file is a SafetensorsError naming it", async () => {
    await expect(readSafetensors(path.join(dir, "none.safetensors"))).rejects.toThrow(/none\.safetensors: file is missing/);
  });

  it("refuses to encode data that disagrees with its shape", () => {
    expect(() => encodeSafetensors([{ name: "x", shape: [2, 2], data: new Float32Array(3) }])).toThrow(/shape \[2, 2\] \(4 values\) but 3 values/);
  });
});
