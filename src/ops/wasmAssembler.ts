/**
 * A small WebAssembly encoder: enough of the binary format (i32, f32 and
 * 128-bit SIMD instructions, blocks and loops, one imported memory) to write
 * compute kernels as code, so the module is built at run time from readable
 * source instead of shipping as an opaque binary; and the one place such a
 * module is compiled and bound to the memory it works on.
 */

export type ValueType = 'i32' | 'f32' | 'v128';

const valueTypeCode: Record<ValueType, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

function unsignedLeb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

function signedLeb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function utf8(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...unsignedLeb(bytes.length), ...bytes];
}

function section(id: number, body: number[]): number[] {
  return [id, ...unsignedLeb(body.length), ...body];
}

function vector(items: number[][]): number[] {
  return [...unsignedLeb(items.length), ...items.flat()];
}

/** A memory access's alignment (log2 bytes) and constant offset. */
function memarg(alignLog2: number, offset: number): number[] {
  return [...unsignedLeb(alignLog2), ...unsignedLeb(offset)];
}

const SIMD = 0xfd;

/** One function's instructions, appended in order (a stack machine: operands first). */
export class FunctionBody {
  readonly bytes: number[] = [];
  private readonly locals: ValueType[] = [];

  constructor(
    readonly params: ReadonlyArray<ValueType>,
    readonly results: ReadonlyArray<ValueType> = [],
  ) {}

  /** A new local of this type; its index. */
  local(type: ValueType): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  private emit(...bytes: number[]): this {
    this.bytes.push(...bytes);
    return this;
  }

  get = (index: number) => this.emit(0x20, ...unsignedLeb(index));
  set = (index: number) => this.emit(0x21, ...unsignedLeb(index));
  tee = (index: number) => this.emit(0x22, ...unsignedLeb(index));
  i32 = (value: number) => this.emit(0x41, ...signedLeb(value));
  add = () => this.emit(0x6a);
  sub = () => this.emit(0x6b);
  mul = () => this.emit(0x6c);
  and = () => this.emit(0x71);
  shl = () => this.emit(0x74);
  geU = () => this.emit(0x4f);
  gtU = () => this.emit(0x4b);
  eqz = () => this.emit(0x45);
  ltU = () => this.emit(0x49);
  /** Starts a block (a `br` to it jumps past its end) or a loop (a `br` to it jumps back to its start). */
  block = () => this.emit(0x02, 0x40);
  loop = () => this.emit(0x03, 0x40);
  end = () => this.emit(0x0b);
  /** Branches to the enclosing block or loop `depth` levels out (0 = innermost). */
  br = (depth: number) => this.emit(0x0c, ...unsignedLeb(depth));
  brIf = (depth: number) => this.emit(0x0d, ...unsignedLeb(depth));
  /** if (top of stack ≠ 0) … end. */
  if = () => this.emit(0x04, 0x40);
  i32Load = (offset = 0) => this.emit(0x28, ...memarg(2, offset));
  i32Store = (offset = 0) => this.emit(0x36, ...memarg(2, offset));
  f32Load = (offset = 0) => this.emit(0x2a, ...memarg(2, offset));
  f32Store = (offset = 0) => this.emit(0x38, ...memarg(2, offset));
  f32Const = (value: number) => this.emit(0x43, ...new Uint8Array(Float32Array.of(value).buffer));
  f32Const0 = () => this.f32Const(0);
  f32Add = () => this.emit(0x92);
  f32Sub = () => this.emit(0x93);
  f32Mul = () => this.emit(0x94);
  f32Max = () => this.emit(0x97);
  f32Ne = () => this.emit(0x5c);
  v128Load = (offset = 0) => this.emit(SIMD, ...unsignedLeb(0x00), ...memarg(4, offset));
  v128Store = (offset = 0) => this.emit(SIMD, ...unsignedLeb(0x0b), ...memarg(4, offset));
  /** Loads one f32 and repeats it in all four lanes. */
  v128Load32Splat = (offset = 0) => this.emit(SIMD, ...unsignedLeb(0x09), ...memarg(2, offset));
  v128Zero = () => this.emit(SIMD, ...unsignedLeb(0x0c), ...new Array<number>(16).fill(0));
  /** Repeats the f32 on the stack in all four lanes. */
  f32x4Splat = () => this.emit(SIMD, ...unsignedLeb(0x13));
  f32x4Sqrt = () => this.emit(SIMD, ...unsignedLeb(0xe3));
  f32x4Add = () => this.emit(SIMD, ...unsignedLeb(0xe4));
  f32x4Sub = () => this.emit(SIMD, ...unsignedLeb(0xe5));
  f32x4Div = () => this.emit(SIMD, ...unsignedLeb(0xe7));
  f32x4Mul = () => this.emit(SIMD, ...unsignedLeb(0xe6));
  f32x4Max = () => this.emit(SIMD, ...unsignedLeb(0xe9));
  i32x4Sub = () => this.emit(SIMD, ...unsignedLeb(0xb1));
  i32x4Add = () => this.emit(SIMD, ...unsignedLeb(0xae));
  /** (v128, i32 count): each lane shifted left. */
  i32x4Shl = () => this.emit(SIMD, ...unsignedLeb(0xab));
  i32x4TruncSatF32x4S = () => this.emit(SIMD, ...unsignedLeb(0xf8));
  /** Four copies of a float. */
  f32x4Const = (value: number) =>
    this.emit(SIMD, ...unsignedLeb(0x0c), ...new Uint8Array(Float32Array.of(value, value, value, value).buffer));
  /** Four copies of an integer. */
  i32x4Const = (value: number) =>
    this.emit(SIMD, ...unsignedLeb(0x0c), ...new Uint8Array(Int32Array.of(value, value, value, value).buffer));
  f32x4Abs = () => this.emit(SIMD, ...unsignedLeb(0xe0));
  f32x4Neg = () => this.emit(SIMD, ...unsignedLeb(0xe1));
  /** Rounds to the nearest integer, ties to even. */
  f32x4Nearest = () => this.emit(SIMD, ...unsignedLeb(0x6a));
  /** Lane masks: all ones where a ≥ b. */
  f32x4Ge = () => this.emit(SIMD, ...unsignedLeb(0x46));
  /** (a, b, mask): a's bits where the mask has ones, b's elsewhere. */
  v128Bitselect = () => this.emit(SIMD, ...unsignedLeb(0x52));
  i32x4ExtractLane = (lane: number) => this.emit(SIMD, ...unsignedLeb(0x1b), lane);
  /** Lane masks: all ones where a ≠ b. */
  f32x4Ne = () => this.emit(SIMD, ...unsignedLeb(0x42));

  /** The function's code entry: its locals (grouped by type) and instructions. */
  encode(): number[] {
    const groups: number[][] = [];
    for (const type of this.locals) {
      const last = groups.at(-1);
      if (last && last[1] === valueTypeCode[type]) last[0] = (last[0] as number) + 1;
      else groups.push([1, valueTypeCode[type]]);
    }
    const body = [...vector(groups.map(([n, t]) => [...unsignedLeb(n as number), t as number])), ...this.bytes, 0x0b];
    return [...unsignedLeb(body.length), ...body];
  }
}

export interface ExportedFunction {
  name: string;
  body: FunctionBody;
}

/** How the module's one memory is imported (`env.memory`): shared memories need a maximum. */
export interface MemoryImport {
  shared: boolean;
}

/** The binary of a module that imports `env.memory` and exports the functions (each returns nothing). */
export function encodeModule(functions: ReadonlyArray<ExportedFunction>, memory: MemoryImport): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [
    0x60,
    ...vector(f.body.params.map((p) => [valueTypeCode[p]])),
    ...vector(f.body.results.map((r) => [valueTypeCode[r]])),
  ]);
  // limits: 0x00 min; 0x03 min, max, shared (65,536 pages: any 32-bit memory fits)
  const limits = memory.shared ? [0x03, ...unsignedLeb(1), ...unsignedLeb(65536)] : [0x00, ...unsignedLeb(1)];
  const imports = [[...utf8('env'), ...utf8('memory'), 0x02, ...limits]];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(2, vector(imports)),
    ...section(3, vector(functions.map((_, i) => unsignedLeb(i)))),
    ...section(7, vector(functions.map((f, i) => [...utf8(f.name), 0x00, ...unsignedLeb(i)]))),
    ...section(10, vector(functions.map((f) => f.body.encode()))),
  ];
  return new Uint8Array(bytes);
}

/** Whether a memory is shared with threads (a module importing it must say so). */
function isSharedMemory(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

/**
 * The functions compiled and bound to `memory` (imported as shared when it
 * is), or undefined where the engine refuses them (no SIMD). Compiled
 * synchronously: fine in a worker, while browsers refuse modules over 4 KB so
 * on a page's main thread.
 */
export function instantiateOn(memory: WebAssembly.Memory, functions: ReadonlyArray<ExportedFunction>): WebAssembly.Exports | undefined {
  try {
    const binary = encodeModule(functions, { shared: isSharedMemory(memory) });
    return new WebAssembly.Instance(new WebAssembly.Module(binary), { env: { memory } }).exports;
  } catch {
    return undefined;
  }
}
