/**
 * Adam's update as a small WebAssembly SIMD function that works directly on
 * tfjs-backend-wasm's heap: four floats at a time, one pass over the weight,
 * both moments and the gradient. The module is assembled here, byte by byte
 * (about 200 bytes), and shares the backend's memory, so nothing is copied.
 */

/** Unsigned LEB128. */
function leb(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

const vec = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
const name = (s: string): number[] => [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

// parameters: w, m, s, g, outW, outM, outS (byte offsets), groups of four floats, β₁, β₂, α, ε̂
const P = { w: 0, m: 1, s: 2, g: 3, ow: 4, om: 5, os: 6, groups: 7, b1: 8, b2: 9, alpha: 10, eps: 11 } as const;
// locals after the parameters
const L = { off: 12, end: 13, vb1: 14, vk1: 15, vb2: 16, vk2: 17, valpha: 18, veps: 19, vg: 20, vm: 21, vs: 22 } as const;

const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const simd = (op: number) => [0xfd, ...leb(op)];
const load = (base: number) => [...get(base), ...get(L.off), 0x6a, ...simd(0x00), 0, 0];
const addr = (base: number) => [...get(base), ...get(L.off), 0x6a];
const store = [...simd(0x0b), 0, 0];
const splat = simd(0x13);
const [fsqrt, fadd, fsub, fmul, fdiv] = [0xe3, 0xe4, 0xe5, 0xe6, 0xe7].map(simd) as [number[], number[], number[], number[], number[]];
const oneMinus = (p: number) => [0x43, 0, 0, 0x80, 0x3f, ...get(p), 0x93, ...splat]; // splat(1.0 − p)

const body: number[] = [
  ...get(P.b1), ...splat, ...set(L.vb1),
  ...oneMinus(P.b1), ...set(L.vk1),
  ...get(P.b2), ...splat, ...set(L.vb2),
  ...oneMinus(P.b2), ...set(L.vk2),
  ...get(P.alpha), ...splat, ...set(L.valpha),
  ...get(P.eps), ...splat, ...set(L.veps),
  ...get(P.groups), 0x41, 4, 0x74, ...set(L.end), // end = groups << 4 (bytes)
  0x02, 0x40, 0x03, 0x40, // block, loop
  ...get(L.off), ...get(L.end), 0x4f, 0x0d, 1, // off >= end → exit
  ...load(P.g), ...set(L.vg),
  // m' = β₁m + (1 − β₁)g
  ...get(L.vb1), ...load(P.m), ...fmul, ...get(L.vk1), ...get(L.vg), ...fmul, ...fadd, ...set(L.vm),
  ...addr(P.om), ...get(L.vm), ...store,
  // s' = β₂s + (1 − β₂)g²
  ...get(L.vb2), ...load(P.s), ...fmul, ...get(L.vk2), ...get(L.vg), ...get(L.vg), ...fmul, ...fmul, ...fadd, ...set(L.vs),
  ...addr(P.os), ...get(L.vs), ...store,
  // w' = w − α·m' / (√s' + ε̂)
  ...addr(P.ow), ...load(P.w), ...get(L.valpha), ...get(L.vm), ...fmul, ...get(L.vs), ...fsqrt, ...get(L.veps), ...fadd, ...fdiv, ...fsub, ...store,
  ...get(L.off), 0x41, 16, 0x6a, ...set(L.off), // off += 16
  0x0c, 0, 0x0b, 0x0b, // br loop; end loop; end block
  0x0b, // end function
]; // prettier-ignore

function moduleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  const params = [I32, I32, I32, I32, I32, I32, I32, I32, F32, F32, F32, F32];
  const limits = shared ? [0x03, 1, ...leb(65536)] : [0x00, 1];
  const code = [
    ...vec([
      [2, I32],
      [9, V128],
    ]),
    ...body,
  ];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec([[0x60, ...vec(params.map((p) => [p])), 0]])),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, ...limits]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name('adam'), 0x00, 0]])),
    ...section(10, vec([[...leb(code.length), ...code]])),
  ]); // prettier-ignore
}

export type AdamSimd = (
  w: number,
  m: number,
  s: number,
  g: number,
  outW: number,
  outM: number,
  outS: number,
  groups: number,
  beta1: number,
  beta2: number,
  alpha: number,
  epsilon: number,
) => void;

const instances = new WeakMap<WebAssembly.Memory, AdamSimd | null>();

/** The SIMD update bound to `memory`, or null where this engine has no WebAssembly SIMD. */
export function adamSimdFor(memory: WebAssembly.Memory): AdamSimd | null {
  const cached = instances.get(memory);
  if (cached !== undefined) return cached;
  let fn: AdamSimd | null = null;
  try {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes(shared)), { env: { memory } });
    const exported = instance.exports.adam;
    if (typeof exported === 'function') fn = exported as AdamSimd;
  } catch {
    fn = null;
  }
  instances.set(memory, fn);
  return fn;
}
