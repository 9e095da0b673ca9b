/**
 * Binary cross-entropy on logits as two WebAssembly SIMD kernels on the wasm
 * backend's heap: the per-pixel loss max(l, 0) − l·x + log(1 + e^−|l|), and
 * its gradient dy·(σ(l) − x), each one pass instead of seven and three tfjs
 * kernels. exp and log1p are polynomials (Cephes' expf; log1p by 2·atanh),
 * within a few float ulps.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { FunctionBody } from './wasmAssembler';
import { heapKernelCache, isHeapBackend } from './wasmHeap';

type TF = typeof tfc;
type TensorInfo = tfc.TensorInfo;

export const BCE_KERNEL = 'BottleneckBceWithLogits';
export const BCE_GRADIENT_KERNEL = 'BottleneckBceWithLogitsGradient';

/** e = exp(−|l|) and lp = log(1 + e), from the v128 local l, into locals e and lp (t is scratch). */
function expAndLog1p(f: FunctionBody, l: number, e: number, lp: number, t: number): void {
  const n = lp; // holds the exponent first, then the logarithm
  f.get(l).f32x4Abs().f32x4Neg().f32x4Const(-87).f32x4Max().set(t);
  f.get(t).f32x4Const(Math.LOG2E).f32x4Mul().f32x4Nearest().set(n);
  // r = t − n·ln 2, in two parts for accuracy
  f.get(t).get(n).f32x4Const(0.693359375).f32x4Mul().f32x4Sub().get(n).f32x4Const(-2.1219444e-4).f32x4Mul().f32x4Sub().set(t);
  f.f32x4Const(1.98756915e-4).get(t).f32x4Mul().f32x4Const(1.39819995e-3).f32x4Add();
  for (const c of [8.33345191e-3, 4.16657959e-2, 1.66666655e-1, 5.00000012e-1]) f.get(t).f32x4Mul().f32x4Const(c).f32x4Add();
  f.get(t).get(t).f32x4Mul().f32x4Mul().get(t).f32x4Add().f32x4Const(1).f32x4Add();
  // · 2ⁿ, built in the exponent bits
  f.get(n).i32x4TruncSatF32x4S().i32x4Const(127).i32x4Add().i32(23).i32x4Shl().f32x4Mul().set(e);
  // log(1 + e) = 2·atanh(s), s = e / (2 + e) ≤ 1/3
  f.get(e).f32x4Const(2).get(e).f32x4Add().f32x4Div().set(t);
  f.f32x4Const(1 / 13)
    .get(t)
    .get(t)
    .f32x4Mul()
    .set(lp)
    .get(lp)
    .f32x4Mul();
  for (const c of [1 / 11, 1 / 9, 1 / 7, 1 / 5, 1 / 3]) f.f32x4Const(c).f32x4Add().get(lp).f32x4Mul();
  f.f32x4Const(1).f32x4Add().get(t).f32x4Mul().f32x4Const(2).f32x4Mul().set(lp);
}

/**
 * A function over `groups` groups of four floats: for each, l's group is in
 * the local vl, e = e^−|l| and lp = log(1 + e) are computed, and `store`
 * leaves the output address and value (from `offset`) for the store.
 */
function perGroup(params: number, l: number, groups: number, store: (f: FunctionBody, at: Locals) => void): FunctionBody {
  const f = new FunctionBody(new Array(params).fill('i32'));
  const at: Locals = { offset: f.local('i32'), vl: f.local('v128'), e: f.local('v128'), lp: f.local('v128') };
  const [end, t] = [f.local('i32'), f.local('v128')];
  f.get(groups).i32(4).shl().set(end);
  f.block().loop();
  f.get(at.offset).get(end).geU().brIf(1);
  f.get(l).get(at.offset).add().v128Load().set(at.vl);
  expAndLog1p(f, at.vl, at.e, at.lp, t);
  store(f, at);
  f.v128Store();
  f.get(at.offset).i32(16).add().set(at.offset);
  f.br(0).end().end();
  return f;
}

interface Locals {
  offset: number;
  vl: number;
  e: number;
  lp: number;
}

/** bce(l, x, out, groups): the per-pixel loss max(l, 0) − l·x + log(1 + e) (byte offsets). */
function forwardFunction(): FunctionBody {
  const [l, x, out, groups] = [0, 1, 2, 3] as const;
  return perGroup(4, l, groups, (f, { offset, vl, lp }) => {
    f.get(out).get(offset).add();
    f.get(vl).v128Zero().f32x4Max().get(vl).get(x).get(offset).add().v128Load().f32x4Mul().f32x4Sub().get(lp).f32x4Add();
  });
}

/** bce_gradient(dy, l, x, out, groups): dy·(σ(l) − x), σ(l) = (l ≥ 0 ? 1 : e) / (1 + e). */
function gradientFunction(): FunctionBody {
  const [dy, l, x, out, groups] = [0, 1, 2, 3, 4] as const;
  return perGroup(5, l, groups, (f, { offset, vl, e }) => {
    f.get(out).get(offset).add();
    f.get(dy).get(offset).add().v128Load();
    f.f32x4Const(1).get(e).get(vl).v128Zero().f32x4Ge().v128Bitselect().f32x4Const(1).get(e).f32x4Add().f32x4Div();
    f.get(x).get(offset).add().v128Load().f32x4Sub().f32x4Mul();
  });
}

const kernelsFor = heapKernelCache(() => [
  { name: 'bce', body: forwardFunction() },
  { name: 'bce_gradient', body: gradientFunction() },
]);

/** Runs one of the kernels over same-shaped float32 inputs into a new output. */
function runOnHeap(backend: unknown, name: 'bce' | 'bce_gradient', inputs: TensorInfo[]): TensorInfo {
  if (!isHeapBackend(backend)) throw new Error(`${name} runs on the wasm backend only`);
  const kernels = kernelsFor(backend);
  const first = inputs[0] as TensorInfo;
  if (!kernels) throw new Error(`${name}: the wasm backend's memory cannot be reached`);
  const out = backend.makeOutput([...first.shape], 'float32');
  const size = first.shape.reduce((a, b) => a * b, 1);
  kernels[name]!(...inputs.map((t) => backend.getMemoryOffset(t.dataId)), backend.getMemoryOffset(out.dataId), size / 4);
  return out;
}

/** Puts the kernels in tfjs's registry for the wasm backend (once); false where they cannot run. */
export function installWasmBce(tf: TF): boolean {
  const backend = tf.findBackend('wasm');
  if (!isHeapBackend(backend) || !kernelsFor(backend)) return false;
  if (!tf.getKernel(BCE_KERNEL, 'wasm')) {
    tf.registerKernel({
      kernelName: BCE_KERNEL,
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend: b }) => runOnHeap(b, 'bce', [inputs.logits, inputs.x] as TensorInfo[]),
    });
    tf.registerKernel({
      kernelName: BCE_GRADIENT_KERNEL,
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend: b }) => runOnHeap(b, 'bce_gradient', [inputs.dy, inputs.logits, inputs.x] as TensorInfo[]),
    });
  }
  return true;
}

/** Whether the kernels run these operands: on wasm, installed, float32, same shapes, a multiple of four elements. */
export function wasmBceRuns(tf: TF, logits: tfc.Tensor, x: tfc.Tensor): boolean {
  return (
    tf.getBackend() === 'wasm' &&
    tf.getKernel(BCE_KERNEL, 'wasm') !== undefined &&
    logits.dtype === 'float32' &&
    x.dtype === 'float32' &&
    tf.util.arraysEqual(logits.shape, x.shape) &&
    logits.size % 4 === 0
  );
}

/** The per-pixel loss (call only where wasmBceRuns). */
export function wasmBce(tf: TF, logits: tfc.Tensor, x: tfc.Tensor): tfc.Tensor {
  return tf.engine().runKernel(BCE_KERNEL, { logits, x }) as tfc.Tensor;
}

/** dy·(σ(l) − x) (call only where wasmBceRuns). */
export function wasmBceGradient(tf: TF, dy: tfc.Tensor, logits: tfc.Tensor, x: tfc.Tensor): tfc.Tensor {
  return tf.engine().runKernel(BCE_GRADIENT_KERNEL, { dy, logits, x }) as tfc.Tensor;
}
