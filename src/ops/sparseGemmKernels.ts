/**
 * Matrix-product kernels for a left operand that is mostly zeros (pixels of
 * digits, ReLU outputs): each row's nonzero entries are listed first, and only
 * their rows of B are summed, in 32-column register blocks. Exact: the
 * skipped terms are products with zero. Plus a count of nonzeros, to choose.
 */
import { FunctionBody, type ExportedFunction } from './wasmAssembler';
import { ADD_BIAS, RELU } from './gemmKernels';

/** nonzeros(p, count) → how many of `count` floats at p are not zero. */
function nonzerosFunction(): FunctionBody {
  const f = new FunctionBody(['i32', 'i32'], ['i32']);
  const [p, count] = [0, 1] as const;
  const [end, total] = [f.local('i32'), f.local('i32')];
  const acc = f.local('v128');
  f.get(p).get(count).i32(-4).and().i32(2).shl().add().set(end);
  f.v128Zero().set(acc);
  f.block().loop();
  f.get(p).get(end).geU().brIf(1);
  // a lane mask is −1 where the float is nonzero
  f.get(acc).get(p).v128Load().v128Zero().f32x4Ne().i32x4Sub().set(acc);
  f.get(p).i32(16).add().set(p);
  f.br(0).end().end();
  for (let lane = 0; lane < 4; lane++) f.get(total).get(acc).i32x4ExtractLane(lane).add().set(total);
  f.get(end).get(count).i32(3).and().i32(2).shl().add().set(end);
  f.block().loop();
  f.get(p).get(end).geU().brIf(1);
  f.get(total).get(p).f32Load().f32Const0().f32Ne().add().set(total);
  f.get(p).i32(4).add().set(p);
  f.br(0).end().end();
  f.get(total);
  return f;
}

/**
 * sparse_rows(a, aRow, aStep, K, rows, list, b, ldb, c, ldc, n, bias, flags):
 * C = A·B (+ bias, ReLU) for `rows` rows, element (i, k) of A at
 * a + i·aRow + k·aStep, B and C rows ldb and ldc bytes apart; `list` is
 * scratch for 8·K bytes (pairs of a B-row offset and A's value).
 */
function sparseRowsFunction(): FunctionBody {
  const f = new FunctionBody(new Array(13).fill('i32'));
  const [a, aRow, aStep, kCount, rows, list, b, ldb, c, ldc, n, bias, flags] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] as const;
  const [r, pa, pk, pl, end, k, j, nb, pc] = Array.from({ length: 9 }, () => f.local('i32')) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const s = f.local('v128');
  const sum = f.local('f32');
  const acc = Array.from({ length: 8 }, () => f.local('v128'));
  f.get(n).i32(2).shl().set(nb);
  f.block().loop();
  f.get(r).get(rows).geU().brIf(1);
  // the row's nonzeros, without branches: every pair is written, the cursor moves on nonzero ones
  f.get(a).get(r).get(aRow).mul().add().set(pa);
  f.i32(0).set(pk).get(list).set(pl).get(kCount).set(k);
  f.block().loop();
  f.get(k).eqz().brIf(1);
  f.get(pl).get(pk).i32Store();
  f.get(pl).get(pa).f32Load().f32Store(4);
  f.get(pl).get(pa).f32Load().f32Const0().f32Ne().i32(3).shl().add().set(pl);
  f.get(pa).get(aStep).add().set(pa);
  f.get(pk).get(ldb).add().set(pk);
  f.get(k).i32(1).sub().set(k);
  f.br(0).end().end();
  f.get(pl).set(end);
  f.get(c).get(r).get(ldc).mul().add().set(pc);
  f.i32(0).set(j);
  /** One column block of `vectors` 4-float vectors, repeated while it fits. */
  const blocks = (vectors: number) => {
    const width = 16 * vectors;
    f.block().loop();
    f.get(j).i32(width).add().get(nb).gtU().brIf(1);
    for (let v = 0; v < vectors; v++) f.v128Zero().set(acc[v]!);
    f.get(list).set(pl);
    f.block().loop();
    f.get(pl).get(end).geU().brIf(1);
    f.get(pl).v128Load32Splat(4).set(s);
    f.get(pl).i32Load().get(b).add().get(j).add().set(pk);
    for (let v = 0; v < vectors; v++)
      f.get(acc[v]!)
        .get(s)
        .get(pk)
        .v128Load(16 * v)
        .f32x4Mul()
        .f32x4Add()
        .set(acc[v]!);
    f.get(pl).i32(8).add().set(pl);
    f.br(0).end().end();
    f.get(flags).i32(ADD_BIAS).and().if();
    for (let v = 0; v < vectors; v++)
      f.get(acc[v]!)
        .get(bias)
        .get(j)
        .add()
        .v128Load(16 * v)
        .f32x4Add()
        .set(acc[v]!);
    f.end();
    f.get(flags).i32(RELU).and().if();
    for (let v = 0; v < vectors; v++) f.get(acc[v]!).v128Zero().f32x4Max().set(acc[v]!);
    f.end();
    for (let v = 0; v < vectors; v++)
      f.get(pc)
        .get(j)
        .add()
        .get(acc[v]!)
        .v128Store(16 * v);
    f.get(j).i32(width).add().set(j);
    f.br(0).end().end();
  };
  blocks(8);
  blocks(1);
  // the last columns one at a time
  f.block().loop();
  f.get(j).get(nb).geU().brIf(1);
  f.f32Const0().set(sum).get(list).set(pl);
  f.block().loop();
  f.get(pl).get(end).geU().brIf(1);
  f.get(sum).get(pl).f32Load(4).get(pl).i32Load().get(b).add().get(j).add().f32Load().f32Mul().f32Add().set(sum);
  f.get(pl).i32(8).add().set(pl);
  f.br(0).end().end();
  f.get(flags).i32(ADD_BIAS).and().if();
  f.get(sum).get(bias).get(j).add().f32Load().f32Add().set(sum);
  f.end();
  f.get(flags).i32(RELU).and().if();
  f.get(sum).f32Const0().f32Max().set(sum);
  f.end();
  f.get(pc).get(j).add().get(sum).f32Store();
  f.get(j).i32(4).add().set(j);
  f.br(0).end().end();
  f.get(r).i32(1).add().set(r);
  f.br(0).end().end();
  return f;
}

/** The kernels, to compile with instantiateOn beside gemmFunctions(). */
export function sparseGemmFunctions(): ExportedFunction[] {
  return [
    { name: 'nonzeros', body: nonzerosFunction() },
    { name: 'sparse_rows', body: sparseRowsFunction() },
  ];
}
