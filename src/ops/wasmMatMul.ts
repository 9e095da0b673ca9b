/**
 * The wasm backend's matrix products (BatchMatMul and _FusedMatMul) on our
 * unpacked SIMD kernels (src/ops/gemmKernels.ts), which run on tfjs's own
 * memory. XNNPACK packs the right operand of every product whose operand is a
 * new tensor, as weights are after every update, and runs transposed operands
 * on a slow path; these kernels do neither. Products they do not cover
 * (batches, other activations, other dtypes) go to tfjs's kernels as before.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { heapKernelCache, isHeapBackend, type HeapBackend, type HeapKernel } from './wasmHeap';
import { ADD_BIAS, gemmFunctions, RELU, TILE_COLUMNS, TILE_ROWS, tileName } from './gemmKernels';
import { sparseGemmFunctions } from './sparseGemmKernels';

type TF = typeof tfc;
type TensorInfo = tfc.TensorInfo;

/** The kernels bound to the backend's memory, or undefined where that memory cannot be reached or SIMD is missing. */
const kernelsFor = heapKernelCache(() => [...gemmFunctions(), ...sparseGemmFunctions()]);

function offsetOf(backend: HeapBackend, t: TensorInfo): number {
  return backend.getMemoryOffset(t.dataId);
}

/** The two trailing dimensions when every leading one is 1 (a plain matrix), else undefined. */
function matrixShape(t: TensorInfo): [number, number] | undefined {
  const s = t.shape;
  if (s.length < 2 || s.slice(0, -2).some((d) => d !== 1)) return undefined;
  return [s[s.length - 2] as number, s[s.length - 1] as number];
}

/**
 * Whether these kernels run a plain m×k·k×n product: small ones, where
 * XNNPACK's packing and set-up dominate (Node wasm, one thread: 128×400·400×40
 * 0.18 against 0.38 ms, 128×20·20×400 0.18 against 0.24 ms). Large ones stay
 * on XNNPACK: in a training step they were faster there (vae.json 4,670
 * samples/s against 3,290 with all products on these kernels, 2 threads; 3,980
 * against 3,360 with one), though a single fresh 128×784·784×400 product
 * takes about as long either way.
 */
export function unpackedProductWins(m: number, k: number, n: number): boolean {
  return m * k * n <= 1 << 22;
}

interface Product {
  a: TensorInfo;
  b: TensorInfo;
  transposeA: boolean;
  transposeB: boolean;
  bias?: TensorInfo;
  relu: boolean;
}

/** C = op(A)·op(B) (+ bias, ReLU) on the kernels, or undefined when they do not cover it. */
function runProduct(tf: TF, backend: HeapBackend, p: Product): TensorInfo | undefined {
  if (p.a.dtype !== 'float32' || p.b.dtype !== 'float32' || (p.bias && p.bias.dtype !== 'float32')) return undefined;
  const aShape = matrixShape(p.a);
  const bShape = matrixShape(p.b);
  if (!aShape || !bShape) return undefined;
  const [m, k] = p.transposeA ? [aShape[1], aShape[0]] : aShape;
  const [kb, n] = p.transposeB ? [bShape[1], bShape[0]] : bShape;
  if (k !== kb) return undefined; // tfjs's kernel words the error
  if (p.bias && tf.util.sizeFromShape(p.bias.shape) !== n) return undefined;
  const kernels = kernelsFor(backend);
  if (!kernels) return undefined;
  const sparse = !p.transposeB && mostlyZeros(backend, kernels, p.a, m, k, n);
  // XNNPACK's own transposed products are ~10× slower than these kernels; its plain large ones are faster, unless A is sparse
  if (!sparse && !p.transposeA && !p.transposeB && !unpackedProductWins(m, k, n)) return undefined;
  const rank = Math.max(p.a.shape.length, p.b.shape.length);
  const out = backend.makeOutput([...new Array<number>(rank - 2).fill(1), m, n], 'float32');
  if (m === 0 || n === 0) return out;
  // Bᵀ is laid out row-major first (one pass over B); Aᵀ is read in place through its strides
  const bRowMajor = p.transposeB ? transpose2d(tf, backend, p.b) : p.b;
  try {
    const a = offsetOf(backend, p.a);
    const b = offsetOf(backend, bRowMajor);
    const c = offsetOf(backend, out);
    const bias = p.bias ? offsetOf(backend, p.bias) : 0;
    const flags = (p.bias ? ADD_BIAS : 0) | (p.relu ? RELU : 0);
    const [aRow, aStep] = p.transposeA ? [4, 4 * m] : [4 * k, 4];
    // with K = 0 the scalar tail writes the bias (or 0) through ReLU
    if (k === 0) kernels.tail!(0, 0, c, m, 0, 0, 0, 0, 4 * n, n, bias, flags);
    else if (sparse) sparseGemm(backend, kernels, { a, b, c, m, k, n, aRow, aStep, bias, flags });
    else gemm(kernels, { a, b, c, m, k, n, aRow, aStep, bias, flags });
  } finally {
    if (bRowMajor !== p.b) backend.disposeData(bRowMajor.dataId);
  }
  return out;
}

interface GemmCall {
  a: number;
  b: number;
  c: number;
  m: number;
  k: number;
  n: number;
  aRow: number;
  aStep: number;
  bias: number;
  flags: number;
}

function gemm(kernels: Record<string, HeapKernel>, g: GemmCall): void {
  const ldb = 4 * g.n;
  const ldc = 4 * g.n;
  const wide = Math.floor(g.n / TILE_COLUMNS);
  for (let i = 0; i < g.m; i += TILE_ROWS) {
    const rows = Math.min(TILE_ROWS, g.m - i);
    const a = g.a + i * g.aRow;
    const c = g.c + i * ldc;
    if (wide > 0) kernels[tileName(rows, 8)]!(a, g.b, c, g.k, g.aRow, g.aStep, ldb, ldc, wide, g.bias, g.flags);
    let j = wide * TILE_COLUMNS;
    if (g.n - j >= 4) {
      kernels[tileName(rows, 4)]!(a, g.b + 4 * j, c + 4 * j, g.k, g.aRow, g.aStep, ldb, ldc, 1, g.bias + 4 * j, g.flags);
      j += 4;
    }
    if (g.n > j) kernels.tail!(a, g.b + 4 * j, c + 4 * j, rows, g.k, g.aRow, g.aStep, ldb, ldc, g.n - j, g.bias + 4 * j, g.flags);
  }
}

/**
 * Density of A under which the sparse kernels win (digits are ~19% nonzero
 * pixels, ReLU outputs about half). Products too small to amortise the count
 * and the lists stay dense.
 */
const SPARSE_DENSITY = 0.5;

/** Nonzero counts by tensor data (immutable), so a dense layer's choice and its product count once. */
const nonzeroCounts = new WeakMap<object, number>();

function mostlyZeros(backend: HeapBackend, kernels: Record<string, HeapKernel>, a: TensorInfo, m: number, k: number, n: number): boolean {
  if (k < 32 || n < 32 || m * k * n < 1 << 18) return false;
  let nonzeros = nonzeroCounts.get(a.dataId);
  if (nonzeros === undefined) {
    nonzeros = (kernels.nonzeros as unknown as (p: number, count: number) => number)(offsetOf(backend, a), m * k);
    nonzeroCounts.set(a.dataId, nonzeros);
  }
  return nonzeros <= SPARSE_DENSITY * m * k;
}

/** Whether these kernels would take an m×k·k×n product with this left operand as sparse (its entries mostly zeros). */
export function sparseLeftOperand(tf: TF, a: tfc.Tensor2D, n: number): boolean {
  const backend = tf.backend();
  if (tf.getBackend() !== 'wasm' || !wasmMatMulActive(tf) || !isHeapBackend(backend) || a.dtype !== 'float32') return false;
  const kernels = kernelsFor(backend);
  return kernels !== undefined && mostlyZeros(backend, kernels, a, a.shape[0], a.shape[1], n);
}

/** The product on the sparse kernels, with scratch for one row's list of nonzeros. */
function sparseGemm(backend: HeapBackend, kernels: Record<string, HeapKernel>, g: GemmCall): void {
  const list = backend.makeOutput([2 * g.k], 'float32');
  try {
    const ld = 4 * g.n;
    kernels.sparse_rows!(g.a, g.aRow, g.aStep, g.k, g.m, offsetOf(backend, list), g.b, ld, g.c, ld, g.n, g.bias, g.flags);
  } finally {
    backend.disposeData(list.dataId);
  }
}

/** A row-major copy of a plain matrix's transpose, by tfjs's own Transpose kernel. */
function transpose2d(tf: TF, backend: HeapBackend, x: TensorInfo): TensorInfo {
  const shape = matrixShape(x) as [number, number];
  const kernel = tf.getKernel('Transpose', 'wasm');
  if (!kernel) throw new Error('the wasm backend has no Transpose kernel');
  const matrix = { dataId: x.dataId, shape, dtype: x.dtype };
  return kernel.kernelFunc({
    inputs: { x: matrix },
    backend: backend as unknown as tfc.KernelBackend,
    attrs: { perm: [1, 0] },
  }) as TensorInfo;
}

const installed = new WeakSet<object>();

/** Whether the kernels run the wasm backend's products (installWasmMatMul put them in tfjs's kernel registry). */
export function wasmMatMulActive(tf: Pick<TF, 'getKernel' | 'BatchMatMul'>): boolean {
  const kernel = tf.getKernel(tf.BatchMatMul, 'wasm');
  return kernel !== undefined && installed.has(kernel);
}

/**
 * Puts the kernels behind the wasm backend's BatchMatMul and _FusedMatMul
 * (once per tfjs instance; call after the wasm backend started). Returns
 * whether they run: false where SIMD or the backend's memory is missing.
 */
export function installWasmMatMul(tf: TF): boolean {
  const backend = tf.findBackend('wasm');
  if (!isHeapBackend(backend) || !kernelsFor(backend)) return false;
  for (const name of [tf.BatchMatMul, tf._FusedMatMul]) {
    const original = tf.getKernel(name, 'wasm');
    if (!original || installed.has(original)) continue;
    const config: tfc.KernelConfig = {
      ...original,
      kernelFunc: (args) => {
        const product = productOf(args.inputs, args.attrs);
        const ours = product && isHeapBackend(args.backend) ? runProduct(tf, args.backend, product) : undefined;
        return ours ?? original.kernelFunc(args);
      },
    };
    installed.add(config);
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(config);
  }
  return true;
}

/** The product a BatchMatMul or _FusedMatMul call asks for; activations other than ReLU and PReLU weights are left to tfjs. */
function productOf(inputs: tfc.NamedTensorInfoMap, attrs: tfc.NamedAttrMap | undefined): Product | undefined {
  const { a, b, bias, preluActivationWeights } = inputs as Record<string, TensorInfo | undefined>;
  const activation = (attrs?.activation as string | undefined) ?? 'linear';
  if (!a || !b || preluActivationWeights || (activation !== 'linear' && activation !== 'relu')) return undefined;
  return {
    a,
    b,
    transposeA: attrs?.transposeA === true,
    transposeB: attrs?.transposeB === true,
    ...(bias ? { bias } : {}),
    relu: activation === 'relu',
  };
}
