/** A tensor shape; `null` is the batch dimension (unknown until run time). */
export type Shape = ReadonlyArray<number | null>;

export function formatShape(shape: Shape | undefined): string {
  if (!shape) return '?';
  if (shape.length === 0) return 'scalar';
  return `[${shape.map((d) => (d === null ? 'B' : String(d))).join('×')}]`;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Product of the non-batch dimensions. */
export function featureSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) if (d !== null) n *= d;
  return n;
}

export function formatCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(n < 10_000_000 ? 2 : 1)}M`;
}
