/**
 * Matrix-product kernels in WebAssembly SIMD that read both operands where
 * they lie (no packing): C = A·B (+ bias, ReLU) for row-major B and C and an A
 * read through two strides, so Aᵀ costs nothing extra. Register tiles of up
 * to 6 rows × 8 columns, the shape XNNPACK's wasm kernels use.
 */
import { encodeModule, FunctionBody, type ExportedFunction } from './wasmAssembler';

/** Rows of one register tile; the driver calls the 1…5-row tiles for what is left. */
export const TILE_ROWS = 4;
/** Columns of the wide tile; a 4-column tile and a scalar tail take the rest. */
export const TILE_COLUMNS = 8;

/** flags: add the bias row; apply ReLU (after the bias). */
export const ADD_BIAS = 1;
export const RELU = 2;

/**
 * tile_R_W(a, b, c, K, aRow, aStep, ldb, ldc, tiles, bias, flags): `tiles`
 * tiles of R rows × W columns side by side. Element (i, k) of A is at
 * a + i·aRow + k·aStep; B and C rows are ldb and ldc bytes apart (all in bytes).
 */
function tileFunction(rows: number, columns: 8 | 4): FunctionBody {
  const f = new FunctionBody(new Array(11).fill('i32'));
  const [a, b, c, kCount, aRow, aStep, ldb, ldc, tiles, bias, flags] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;
  const vectors = columns / 4;
  const rowStart = Array.from({ length: rows }, () => f.local('i32'));
  const pa = Array.from({ length: rows }, () => f.local('i32'));
  const pb = f.local('i32');
  const k = f.local('i32');
  const pc = f.local('i32');
  const s = f.local('v128');
  const bv = Array.from({ length: vectors }, () => f.local('v128'));
  const acc = Array.from({ length: rows }, () => Array.from({ length: vectors }, () => f.local('v128')));
  for (let r = 0; r < rows; r++) f.get(a).get(aRow).i32(r).mul().add().set(rowStart[r]!);
  f.block().loop();
  f.get(tiles).eqz().brIf(1);
  for (let r = 0; r < rows; r++) {
    f.get(rowStart[r]!).set(pa[r]!);
    for (const x of acc[r]!) f.v128Zero().set(x);
  }
  f.get(b).set(pb).get(kCount).set(k);
  f.loop();
  for (let v = 0; v < vectors; v++)
    f.get(pb)
      .v128Load(16 * v)
      .set(bv[v]!);
  for (let r = 0; r < rows; r++) {
    f.get(pa[r]!).v128Load32Splat().set(s);
    for (let v = 0; v < vectors; v++) f.get(acc[r]![v]!).get(s).get(bv[v]!).f32x4Mul().f32x4Add().set(acc[r]![v]!);
    f.get(pa[r]!).get(aStep).add().set(pa[r]!);
  }
  f.get(pb).get(ldb).add().set(pb);
  f.get(k).i32(1).sub().tee(k).brIf(0);
  f.end();
  // bias, then ReLU, then the stores
  f.get(flags).i32(ADD_BIAS).and().if();
  for (let v = 0; v < vectors; v++) {
    f.get(bias)
      .v128Load(16 * v)
      .set(bv[v]!);
    for (let r = 0; r < rows; r++) f.get(acc[r]![v]!).get(bv[v]!).f32x4Add().set(acc[r]![v]!);
  }
  f.end();
  f.get(flags).i32(RELU).and().if();
  for (let r = 0; r < rows; r++) for (const x of acc[r]!) f.get(x).v128Zero().f32x4Max().set(x);
  f.end();
  f.get(c).set(pc);
  for (let r = 0; r < rows; r++) {
    for (let v = 0; v < vectors; v++)
      f.get(pc)
        .get(acc[r]![v]!)
        .v128Store(16 * v);
    f.get(pc).get(ldc).add().set(pc);
  }
  // the next tile to the right
  for (const p of [b, c, bias])
    f.get(p)
      .i32(4 * columns)
      .add()
      .set(p);
  f.get(tiles).i32(1).sub().set(tiles);
  f.br(0).end().end();
  return f;
}

/** tail(a, b, c, rows, K, aRow, aStep, ldb, ldc, columns, bias, flags): the last few columns, one element at a time. */
function tailFunction(): FunctionBody {
  const f = new FunctionBody(new Array(12).fill('i32'));
  const [a, b, c, rows, kCount, aRow, aStep, ldb, ldc, columns, bias, flags] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] as const;
  const [i, j, k, pa, pb] = [f.local('i32'), f.local('i32'), f.local('i32'), f.local('i32'), f.local('i32')];
  const sum = f.local('f32');
  f.i32(0).set(i).block().loop();
  f.get(i).get(rows).ltU().eqz().brIf(1);
  f.i32(0).set(j).block().loop();
  f.get(j).get(columns).ltU().eqz().brIf(1);
  f.f32Const0().set(sum);
  f.get(a).get(i).get(aRow).mul().add().set(pa);
  f.get(b).get(j).i32(4).mul().add().set(pb);
  f.get(kCount).set(k).block().loop();
  f.get(k).eqz().brIf(1);
  f.get(sum).get(pa).f32Load().get(pb).f32Load().f32Mul().f32Add().set(sum);
  f.get(pa).get(aStep).add().set(pa);
  f.get(pb).get(ldb).add().set(pb);
  f.get(k).i32(1).sub().set(k);
  f.br(0).end().end();
  f.get(flags).i32(ADD_BIAS).and().if();
  f.get(sum).get(bias).get(j).i32(4).mul().add().f32Load().f32Add().set(sum);
  f.end();
  f.get(flags).i32(RELU).and().if();
  f.get(sum).f32Const0().f32Max().set(sum);
  f.end();
  // c + i·ldc + 4j
  f.get(c).get(i).get(ldc).mul().add().get(j).i32(4).mul().add().get(sum).f32Store();
  f.get(j).i32(1).add().set(j);
  f.br(0).end().end();
  f.get(i).i32(1).add().set(i);
  f.br(0).end().end();
  return f;
}

export const tileName = (rows: number, columns: number) => `tile_${rows}_${columns}`;

/** The kernels, to compile with instantiateOn (src/ops/wasmAssembler.ts). */
export function gemmFunctions(): ExportedFunction[] {
  const functions = [{ name: 'tail', body: tailFunction() }];
  for (let rows = 1; rows <= TILE_ROWS; rows++) {
    for (const columns of [8, 4] as const) functions.push({ name: tileName(rows, columns), body: tileFunction(rows, columns) });
  }
  return functions;
}

/** The kernels' module binary, importing `env.memory` (shared or not). */
export function gemmModuleBinary(shared: boolean): Uint8Array<ArrayBuffer> {
  return encodeModule(gemmFunctions(), { shared });
}
