/**
 * Latent arithmetic, pure: which images form the two groups of an attribute
 * vector ("label=7-1", "glasses"), the mean code of each group, their
 * difference v, and the codes z + α·v along a row of α.
 */

/**
 * Label `to` minus label `from`, a factor's level `to` minus level `from` (default: its last level minus its first),
 * or two groups picked by hand (test-set indices).
 */
export type VectorSpec =
  | { by: 'label'; to: number; from: number }
  | { by: 'factor'; factor: string; to?: number; from?: number }
  | { by: 'picked'; to: number[]; from: number[] };

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * `label=7-1` (the 7s minus the 1s), `glasses` or `factor=glasses` (with
 * glasses minus without), `factor=smile:2-0` (level 2 minus level 0),
 * `picked=3,8,12-0,5` (test images 3, 8 and 12 minus test images 0 and 5).
 */
export function parseVectorSpec(text: string): Parsed<VectorSpec> {
  const picked = /^picked=([\d,]+)-([\d,]+)$/.exec(text);
  if (picked) {
    const list = (s: string) => s.split(',').filter(Boolean).map(Number);
    return { ok: true, value: { by: 'picked', to: list(picked[1] ?? ''), from: list(picked[2] ?? '') } };
  }
  const label = /^label=(\d+)-(\d+)$/.exec(text);
  if (label) {
    const [to, from] = [Number(label[1]), Number(label[2])];
    if (to === from) return { ok: false, message: `--vector ${text}: the two labels must differ` };
    return { ok: true, value: { by: 'label', to, from } };
  }
  const factor = /^(?:factor=)?([A-Za-z]\w*)(?::(\d+)-(\d+))?$/.exec(text);
  if (factor && factor[1] !== 'label') {
    const name = factor[1] as string;
    if (factor[2] === undefined) return { ok: true, value: { by: 'factor', factor: name } };
    const [to, from] = [Number(factor[2]), Number(factor[3])];
    if (to === from) return { ok: false, message: `--vector ${text}: the two levels must differ` };
    return { ok: true, value: { by: 'factor', factor: name, to, from } };
  }
  return {
    ok: false,
    message: `--vector expects label=A-B (e.g. label=7-1), a factor name (e.g. glasses or factor=glasses), factor=NAME:A-B or picked=I,J-K,L (test images), got '${text}'`,
  };
}

/** What each image is: its label and, for datasets drawn from known factors, its factor levels. */
export interface ImageAttributes {
  labels: ArrayLike<number>;
  classNames: ReadonlyArray<string>;
  factors?: {
    names: ReadonlyArray<string>;
    sizes: ReadonlyArray<number>;
    values: ReadonlyArray<ReadonlyArray<string>>;
    levels: ArrayLike<number>;
  };
}

export interface Groups {
  /** Whether image i is in the group the vector points to, and in the one it points from. */
  to: (i: number) => boolean;
  from: (i: number) => boolean;
  /** e.g. "glasses = yes" and "glasses = no". */
  toName: string;
  fromName: string;
}

/** The two groups a spec names, or why the dataset has no such groups. */
export function groupsOf(spec: VectorSpec, attributes: ImageAttributes): Parsed<Groups> {
  if (spec.by === 'picked') return pickedGroups(spec.to, spec.from, attributes.labels.length);
  if (spec.by === 'label') {
    const classes = attributes.classNames.length;
    for (const l of [spec.to, spec.from])
      if (l >= classes) return { ok: false, message: `--vector: label ${l} does not exist (labels are 0–${classes - 1})` };
    const { labels } = attributes;
    const name = (l: number) => `label ${l} (${attributes.classNames[l] ?? l})`;
    return {
      ok: true,
      value: { to: (i) => labels[i] === spec.to, from: (i) => labels[i] === spec.from, toName: name(spec.to), fromName: name(spec.from) },
    };
  }
  const f = attributes.factors;
  if (!f)
    return {
      ok: false,
      message: `--vector ${spec.factor}: this dataset has no known factors (use label=A-B, or a dataset drawn from factors such as faces)`,
    };
  const k = f.names.indexOf(spec.factor);
  if (k < 0) return { ok: false, message: `--vector: no factor '${spec.factor}' (factors: ${f.names.join(', ')})` };
  const size = f.sizes[k] as number;
  const to = spec.to ?? size - 1;
  const from = spec.from ?? 0;
  for (const l of [to, from])
    if (l >= size) return { ok: false, message: `--vector: factor '${spec.factor}' has levels 0–${size - 1}, not ${l}` };
  const width = f.names.length;
  const level = (i: number) => f.levels[i * width + k];
  const name = (l: number) => `${spec.factor} = ${f.values[k]?.[l] ?? l}`;
  return { ok: true, value: { to: (i) => level(i) === to, from: (i) => level(i) === from, toName: name(to), fromName: name(from) } };
}

/** Two groups of test images picked by hand (indices), checked: both non-empty, within the test set, disjoint. */
function pickedGroups(to: ReadonlyArray<number>, from: ReadonlyArray<number>, count: number): Parsed<Groups> {
  if (to.length === 0 || from.length === 0) return { ok: false, message: '--vector: pick at least one image for each group' };
  const outside = [...to, ...from].find((i) => !Number.isInteger(i) || i < 0 || i >= count);
  if (outside !== undefined) return { ok: false, message: `--vector: there is no test image ${outside} (the test set has ${count})` };
  const toSet = new Set(to);
  const fromSet = new Set(from);
  const both = [...toSet].find((i) => fromSet.has(i));
  if (both !== undefined) return { ok: false, message: `--vector: test image ${both} is in both groups` };
  const plural = (n: number) => `${n} picked image${n === 1 ? '' : 's'}`;
  return {
    ok: true,
    value: {
      to: (i) => toSet.has(i),
      from: (i) => fromSet.has(i),
      toName: `group A (${plural(toSet.size)})`,
      fromName: `group B (${plural(fromSet.size)})`,
    },
  };
}

/** The mean of the codes [count × d] of the images in a group, and how many there are. */
export function groupMean(codes: Float32Array, d: number, member: (i: number) => boolean): { mean: Float64Array; count: number } {
  const mean = new Float64Array(d);
  let count = 0;
  for (let i = 0; i < codes.length / d; i++) {
    if (!member(i)) continue;
    count++;
    for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (codes[i * d + j] as number);
  }
  if (count > 0) for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) / count;
  return { mean, count };
}

export interface AttributeVector {
  /** mean(to) − mean(from), [d]. */
  vector: Float32Array;
  toCount: number;
  fromCount: number;
  /** Its Euclidean length. */
  norm: number;
}

/** The difference of the two groups' mean codes; refused when a group is empty. */
export function attributeVector(codes: Float32Array, d: number, groups: Groups): Parsed<AttributeVector> {
  const to = groupMean(codes, d, groups.to);
  const from = groupMean(codes, d, groups.from);
  if (to.count === 0 || from.count === 0)
    return { ok: false, message: `no images with ${to.count === 0 ? groups.toName : groups.fromName} among the encoded ones` };
  const vector = Float32Array.from(to.mean, (m, j) => m - (from.mean[j] as number));
  const norm = Math.sqrt(vector.reduce((s, v) => s + v * v, 0));
  return { ok: true, value: { vector, toCount: to.count, fromCount: from.count, norm } };
}

/** z + α·v for each α, [alphas.length × d]. */
export function applyVector(code: ArrayLike<number>, vector: ArrayLike<number>, alphas: ReadonlyArray<number>): Float32Array {
  const d = vector.length;
  if (code.length !== d) throw new Error(`the code has ${code.length} dimensions, the vector ${d}`);
  const out = new Float32Array(alphas.length * d);
  alphas.forEach((alpha, r) => {
    for (let j = 0; j < d; j++) out[r * d + j] = (code[j] as number) + alpha * (vector[j] as number);
  });
  return out;
}

/** The first `n` indices (in order) of the images in a group. */
export function firstMembers(count: number, member: (i: number) => boolean, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count && out.length < n; i++) if (member(i)) out.push(i);
  return out;
}
