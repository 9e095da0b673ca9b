/**
 * Resizes one decoded picture (RGBA bytes) to a square of the dataset's size:
 * centre-crop (fills the square, cuts the longer side) or fit (the whole
 * picture, letterboxed on black). Area-averaging, so shrinking a large photo
 * keeps its detail instead of aliasing. Transparent pixels count as black.
 * Grey is the luma of the colour (Rec. 601).
 */
export type FitMode = 'crop' | 'fit';
export const fitModes = ['crop', 'fit'] as const;

export interface RgbaPicture {
  width: number;
  height: number;
  /** width·height·4 bytes */
  rgba: Uint8Array | Uint8ClampedArray;
}

/** The part of the source that is drawn and where it lands in the size×size square. */
function regions(width: number, height: number, size: number, fit: FitMode) {
  if (fit === 'crop') {
    const side = Math.min(width, height);
    return { sx: (width - side) / 2, sy: (height - side) / 2, sw: side, sh: side, dx: 0, dy: 0, dw: size, dh: size };
  }
  const scale = size / Math.max(width, height);
  const dw = Math.max(1, Math.round(width * scale));
  const dh = Math.max(1, Math.round(height * scale));
  return { sx: 0, sy: 0, sw: width, sh: height, dx: Math.floor((size - dw) / 2), dy: Math.floor((size - dh) / 2), dw, dh };
}

/** Overlap weights of source pixels with each destination cell along one axis. */
function axisWeights(start: number, length: number, cells: number): Array<{ from: number; weights: Float64Array }> {
  const step = length / cells;
  const out: Array<{ from: number; weights: Float64Array }> = [];
  for (let d = 0; d < cells; d++) {
    const a = start + d * step;
    const b = a + step;
    const from = Math.floor(a);
    const to = Math.max(from + 1, Math.ceil(b));
    const weights = new Float64Array(to - from);
    for (let s = from; s < to; s++) weights[s - from] = (Math.min(b, s + 1) - Math.max(a, s)) / step;
    out.push({ from, weights });
  }
  return out;
}

/** size·size·channels bytes, row-major, channels interleaved. */
export function resizePicture(picture: RgbaPicture, size: number, fit: FitMode, channels: 1 | 3): Uint8Array {
  const { width, height, rgba } = picture;
  if (width < 1 || height < 1 || rgba.length !== width * height * 4) throw new Error('the picture has no pixels');
  const r = regions(width, height, size, fit);
  const xs = axisWeights(r.sx, r.sw, r.dw);
  const ys = axisWeights(r.sy, r.sh, r.dh);
  const out = new Uint8Array(size * size * channels);
  const acc = [0, 0, 0];
  for (let dy = 0; dy < r.dh; dy++) {
    const wy = ys[dy] as { from: number; weights: Float64Array };
    for (let dx = 0; dx < r.dw; dx++) {
      const wx = xs[dx] as { from: number; weights: Float64Array };
      acc[0] = acc[1] = acc[2] = 0;
      for (let j = 0; j < wy.weights.length; j++) {
        const sy = Math.min(height - 1, wy.from + j);
        const fy = wy.weights[j] as number;
        for (let i = 0; i < wx.weights.length; i++) {
          const sx = Math.min(width - 1, wx.from + i);
          const f = fy * (wx.weights[i] as number);
          const o = (sy * width + sx) * 4;
          const alpha = (rgba[o + 3] as number) / 255;
          acc[0] += f * alpha * (rgba[o] as number);
          acc[1] += f * alpha * (rgba[o + 1] as number);
          acc[2] += f * alpha * (rgba[o + 2] as number);
        }
      }
      const p = ((r.dy + dy) * size + r.dx + dx) * channels;
      if (channels === 1)
        out[p] = Math.min(255, Math.round(0.299 * (acc[0] as number) + 0.587 * (acc[1] as number) + 0.114 * (acc[2] as number)));
      else for (let c = 0; c < 3; c++) out[p + c] = Math.min(255, Math.round(acc[c] as number));
    }
  }
  return out;
}
