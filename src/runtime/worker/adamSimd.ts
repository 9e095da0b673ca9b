/**
 * Adam's update as a small WebAssembly SIMD function that works directly on
 * tfjs-backend-wasm's heap: four floats at a time, one pass over the weight,
 * both moments and the gradient. The module is assembled here (with
 * src/ops/wasmAssembler.ts) and shares the backend's memory, so nothing is copied.
 */
import { FunctionBody, instantiateOn } from '../../ops/wasmAssembler';

/**
 * adam(w, m, s, g, outW, outM, outS, groups, β₁, β₂, α, ε̂): the update of
 * `groups` groups of four floats (byte offsets into the shared memory).
 */
function adamFunction(): FunctionBody {
  const f = new FunctionBody(['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'f32', 'f32', 'f32', 'f32']);
  const [w, m, s, g, outW, outM, outS, groups, beta1, beta2, alpha, eps] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] as const;
  const [offset, end] = [f.local('i32'), f.local('i32')];
  const vector = () => f.local('v128');
  const [vb1, vk1, vb2, vk2, valpha, veps] = [vector(), vector(), vector(), vector(), vector(), vector()];
  const [vg, vm, vs] = [vector(), vector(), vector()];
  const at = (base: number) => f.get(base).get(offset).add();
  f.get(beta1).f32x4Splat().set(vb1);
  f.f32Const(1).get(beta1).f32Sub().f32x4Splat().set(vk1);
  f.get(beta2).f32x4Splat().set(vb2);
  f.f32Const(1).get(beta2).f32Sub().f32x4Splat().set(vk2);
  f.get(alpha).f32x4Splat().set(valpha);
  f.get(eps).f32x4Splat().set(veps);
  f.get(groups).i32(4).shl().set(end); // bytes
  f.block().loop();
  f.get(offset).get(end).geU().brIf(1);
  at(g).v128Load().set(vg);
  // m' = β₁m + (1 − β₁)g
  f.get(vb1);
  at(m).v128Load().f32x4Mul().get(vk1).get(vg).f32x4Mul().f32x4Add().set(vm);
  at(outM).get(vm).v128Store();
  // s' = β₂s + (1 − β₂)g²
  f.get(vb2);
  at(s).v128Load().f32x4Mul().get(vk2).get(vg).get(vg).f32x4Mul().f32x4Mul().f32x4Add().set(vs);
  at(outS).get(vs).v128Store();
  // w' = w − α·m' / (√s' + ε̂)
  at(outW);
  at(w).v128Load().get(valpha).get(vm).f32x4Mul().get(vs).f32x4Sqrt().get(veps).f32x4Add().f32x4Div().f32x4Sub().v128Store();
  f.get(offset).i32(16).add().set(offset);
  f.br(0).end().end();
  return f;
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
  const exported = instantiateOn(memory, [{ name: 'adam', body: adamFunction() }])?.adam;
  const fn = typeof exported === 'function' ? (exported as AdamSimd) : null;
  instances.set(memory, fn);
  return fn;
}
