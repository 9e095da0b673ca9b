/**
 * The run history's records: what a finished (or stopped) run used and
 * reached — its graph, seed and settings, final test metrics, sharpness, short
 * loss curves and small thumbnails — so any two runs can be compared later.
 * Records are checked like any file from outside when read back (zod, then
 * parseGraph for the graph). Only the newest RUN_HISTORY_LIMIT are kept.
 */
import { z } from 'zod';
import { specRegistry } from '../../nodes';
import { datasetOf } from '../core/graphQueries';
import { parseGraph } from '../core/parse';
import type { GraphDoc } from '../core/schema';
import { zBackendName } from '../runtime/backends';
import { zSharpnessPoint, type SharpnessReading } from '../runtime/protocol';
import type { CurvePoint } from '../runtime/page/runState';

export const RUN_RECORD_FORMAT = 'bottleneck-run-record';
/** Runs kept; saving one more drops the oldest. */
export const RUN_HISTORY_LIMIT = 30;
/** Points kept per loss curve. */
export const CURVE_POINTS = 120;

const zCount = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** Any number, NaN included (a diverged run keeps what it reached). */
const zMetric = z.custom<number>((v) => typeof v === 'number', 'must be a number');
const zBytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'must be a Uint8Array');
const zThumbs = z.strictObject({ n: zCount, data: zBytes });
const zPoint = z.strictObject({ step: zCount, value: zMetric });

export const zRunRecord = z.strictObject({
  format: z.literal(RUN_RECORD_FORMAT),
  version: z.literal(1),
  id: z.string().min(1).max(100),
  /** Milliseconds since the epoch. */
  createdAt: z.number().min(0),
  label: z.string().min(1).max(200),
  /** Runs trained side by side share a group. */
  group: z.strictObject({ id: z.string().min(1).max(100), kind: z.enum(['fork', 'sweep']), lane: zCount, lanes: zCount }).optional(),
  /** Checked with parseGraph when read. */
  doc: z.unknown(),
  backend: zBackendName.optional(),
  settings: z.strictObject({
    seed: zCount,
    epochs: zCount,
    batchSize: zCount,
    learningRate: zMetric,
    trainLimit: zCount.nullable(),
    testLimit: zCount.nullable(),
  }),
  /** 'interrupted': the page closed (or the worker was restarted) before the run ended; kept up to its last report. */
  status: z.enum(['finished', 'stopped', 'diverged', 'interrupted']),
  steps: zCount,
  final: z.strictObject({ elbo: zMetric, recon: zMetric, kl: zMetric, activeUnits: zCount }).nullable(),
  sharpness: zSharpnessPoint.nullable(),
  sharpnessHistory: z.array(zSharpnessPoint).max(500),
  curves: z.strictObject({ recon: z.array(zPoint).max(CURVE_POINTS), kl: z.array(zPoint).max(CURVE_POINTS) }),
  thumbnails: z
    .strictObject({
      shape: z.tuple([zCount, zCount, zCount]),
      inputs: zThumbs,
      reconstructions: zThumbs,
      samples: zThumbs,
    })
    .nullable(),
});

export type RunRecord = Omit<z.infer<typeof zRunRecord>, 'doc'> & { doc: GraphDoc };
export type RunStatus = RunRecord['status'];

/** A stored value read back: a valid record, or undefined (skipped, never shown half-read). */
export function decodeRunRecord(value: unknown): RunRecord | undefined {
  const rec = zRunRecord.safeParse(value);
  if (!rec.success) return undefined;
  const parsed = parseGraph(rec.data.doc, specRegistry);
  if (!parsed.ok) return undefined;
  return { ...rec.data, doc: parsed.doc };
}

/** Pixels in 0..1 as bytes (thumbnails need no more). */
export function quantizeImages(data: Float32Array): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    out[i] = Number.isFinite(v) ? Math.round(Math.min(1, Math.max(0, v)) * 255) : 0;
  }
  return out;
}

export function dequantizeImages(data: Uint8Array): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = (data[i] as number) / 255;
  return out;
}

/** At most `max` points, evenly spread, the first and the last kept. */
export function thinPoints(points: ReadonlyArray<CurvePoint>, max = CURVE_POINTS): CurvePoint[] {
  if (points.length <= max) return [...points];
  const out: CurvePoint[] = [];
  for (let k = 0; k < max; k++) {
    const p = points[Math.round((k * (points.length - 1)) / (max - 1))];
    if (p) out.push(p);
  }
  return out;
}

export interface RunPictures {
  shape: readonly [number, number, number];
  inputs: { n: number; data: Float32Array };
  reconstructions: { n: number; data: Float32Array };
  samples: { n: number; data: Float32Array };
}

export interface RunFacts {
  id: string;
  createdAt: number;
  label: string;
  group?: RunRecord['group'];
  doc: GraphDoc;
  backend?: RunRecord['backend'];
  /** Run options that override the graph (undefined: the graph's own / all images). */
  epochs?: number | undefined;
  trainLimit?: number | undefined;
  testLimit?: number | undefined;
  status: RunStatus;
  steps: number;
  final: { elbo: number; recon: number; kl: number; activeUnits: number } | null | undefined;
  sharpness: ReadonlyArray<SharpnessReading>;
  curves: { recon: ReadonlyArray<CurvePoint>; kl: ReadonlyArray<CurvePoint> };
  pictures: RunPictures | undefined;
}

function batchSizeOf(doc: GraphDoc): number {
  const v = datasetOf(doc.nodes, specRegistry)?.batchSize;
  return v !== undefined && Number.isInteger(v) && v > 0 ? v : 0;
}

/** The record of a run (pure; the caller stores it). */
export function createRunRecord(f: RunFacts): RunRecord {
  const p = f.pictures;
  return {
    format: RUN_RECORD_FORMAT,
    version: 1,
    id: f.id,
    createdAt: f.createdAt,
    label: f.label.slice(0, 200) || 'run',
    ...(f.group ? { group: f.group } : {}),
    doc: f.doc,
    ...(f.backend ? { backend: f.backend } : {}),
    settings: {
      seed: f.doc.training.seed,
      epochs: f.epochs ?? f.doc.training.epochs,
      batchSize: batchSizeOf(f.doc),
      learningRate: f.doc.training.learningRate,
      trainLimit: f.trainLimit ?? null,
      testLimit: f.testLimit ?? null,
    },
    status: f.status,
    steps: f.steps,
    final: f.final ? { elbo: f.final.elbo, recon: f.final.recon, kl: f.final.kl, activeUnits: f.final.activeUnits } : null,
    sharpness: f.sharpness.at(-1) ?? null,
    sharpnessHistory: f.sharpness.slice(-500),
    curves: { recon: thinPoints(f.curves.recon), kl: thinPoints(f.curves.kl) },
    thumbnails: p
      ? {
          shape: [p.shape[0], p.shape[1], p.shape[2]],
          inputs: { n: p.inputs.n, data: quantizeImages(p.inputs.data) },
          reconstructions: { n: p.reconstructions.n, data: quantizeImages(p.reconstructions.data) },
          samples: { n: p.samples.n, data: quantizeImages(p.samples.data) },
        }
      : null,
  };
}

/** Newest first; beyond `limit` the oldest are dropped. */
export function pruneRuns<T extends { id: string; createdAt: number }>(
  records: ReadonlyArray<T>,
  limit = RUN_HISTORY_LIMIT,
): { keep: T[]; drop: T[] } {
  const sorted = [...records].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return { keep: sorted.slice(0, Math.max(0, limit)), drop: sorted.slice(Math.max(0, limit)) };
}

/** A fresh record id, e.g. r-lq3k9a-4f2c1b2a. */
export function newRunId(now = Date.now()): string {
  const rand =
    typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID().slice(0, 8) : Math.random().toString(36).slice(2, 10);
  return `r-${now.toString(36)}-${rand}`;
}

/** What the two runs' settings (beyond their graphs) differ in, one line each. */
export function settingsDifferences(a: RunRecord, b: RunRecord): string[] {
  const out: string[] = [];
  const images = (v: number | null) => (v === null ? 'all' : String(v));
  const pairs: Array<[string, string, string]> = [
    ['epochs', String(a.settings.epochs), String(b.settings.epochs)],
    ['training images', images(a.settings.trainLimit), images(b.settings.trainLimit)],
    ['test images', images(a.settings.testLimit), images(b.settings.testLimit)],
    ['backend', a.backend ?? '—', b.backend ?? '—'],
  ];
  for (const [name, x, y] of pairs) if (x !== y) out.push(`${name}: ${x} → ${y}`);
  return out;
}
