/**
 * What the dashboard knows about a comparison (a fork beside its original, or
 * a β sweep): one state, changed only by the pure `reduceCompare(view,
 * message, now)`. Reports of another run id are ignored, so a cancelled
 * comparison never writes into the next one. Pictures are kept apart (they
 * are large); this state holds numbers only.
 */
import type { Diagnostic } from '../../core/diagnostics';
import type { BackendAttempt, BackendName } from '../backends';
import type { FromWorker, FromWorkerOf, SharpnessReading } from '../protocol';
import { appendPoint, isActive, type CurvePoint, type RunNote, type RunPhase } from './runState';

export type CompareKind = 'fork' | 'sweep';

type LaneInfo = FromWorkerOf<'compareStarted'>['lanes'][number];
type TrainMetrics = FromWorkerOf<'laneProgress'>['train'];
type EpochRecord = FromWorkerOf<'laneEpochEnded'>['record'];
type EvalMetrics = EpochRecord['test'];

export type LaneStatus = 'waiting' | 'training' | 'finished' | 'stopped' | 'diverged';

export interface LaneView {
  label: string;
  info: LaneInfo | undefined;
  status: LaneStatus;
  step: number;
  latest: TrainMetrics | undefined;
  /** The first report (step 1: the initial weights on the first batch). */
  first: TrainMetrics | undefined;
  curves: { objective: CurvePoint[]; recon: CurvePoint[]; kl: CurvePoint[] };
  /** Test metrics at the end of each epoch. */
  records: EpochRecord[];
  sharpness: SharpnessReading[];
  /** Hash of the batches trained on, at recent steps (to check that runs read the same ones). */
  digests: Array<{ step: number; digest: string }>;
  final: EvalMetrics | null | undefined;
  message: string | undefined;
}

export interface CompareView {
  runId: number;
  kind: CompareKind;
  phase: RunPhase;
  backend: { name: BackendName; note: string; attempts: BackendAttempt[] } | undefined;
  loading: { what: string; loaded: number; total: number | undefined } | undefined;
  dataset: string | undefined;
  setupMs: number | undefined;
  sharpnessImages: number;
  lanes: LaneView[];
  notes: RunNote[];
  error: string | undefined;
  diagnostics: Diagnostic[];
  /** When it started (ms since the epoch), for the run history. */
  startedAt: number;
}

function createLane(label: string): LaneView {
  return {
    label,
    info: undefined,
    status: 'waiting',
    step: 0,
    latest: undefined,
    first: undefined,
    curves: { objective: [], recon: [], kl: [] },
    records: [],
    sharpness: [],
    digests: [],
    final: undefined,
    message: undefined,
  };
}

/** A comparison waiting for the worker. */
export function createPreparingCompare(runId: number, kind: CompareKind, labels: ReadonlyArray<string>, startedAt: number): CompareView {
  return {
    runId,
    kind,
    phase: 'preparing',
    backend: undefined,
    loading: undefined,
    dataset: undefined,
    setupMs: undefined,
    sharpnessImages: 0,
    lanes: labels.map(createLane),
    notes: [],
    error: undefined,
    diagnostics: [],
    startedAt,
  };
}

function updateLane(view: CompareView, lane: number, change: (l: LaneView) => LaneView): CompareView {
  const current = view.lanes[lane];
  if (!current) return view;
  return { ...view, lanes: view.lanes.map((l, i) => (i === lane ? change(current) : l)) };
}

function onProgress(l: LaneView, m: FromWorkerOf<'laneProgress'>): LaneView {
  return {
    ...l,
    status: l.status === 'waiting' ? 'training' : l.status,
    step: m.step,
    latest: m.train,
    first: l.first ?? m.train,
    curves: {
      objective: appendPoint(l.curves.objective, { step: m.step, value: m.train.objective }),
      recon: appendPoint(l.curves.recon, { step: m.step, value: m.train.recon }),
      kl: appendPoint(l.curves.kl, { step: m.step, value: m.train.kl }),
    },
    digests: [...l.digests, { step: m.step, digest: m.batchDigest }].slice(-200),
  };
}

/** The next view after a message from the worker (pure). */
export function reduceCompare(view: CompareView, m: FromWorker, _now: number): CompareView {
  if (m.type === 'ready' || m.type === 'protocolError') return view;
  if (m.runId !== view.runId) return view;
  switch (m.type) {
    case 'loading':
      return { ...view, loading: { what: m.what, loaded: m.loaded, total: m.total } };
    case 'backend':
      return { ...view, backend: { name: m.backend, note: m.note, attempts: m.attempts } };
    case 'compareStarted':
      return {
        ...view,
        phase: view.phase === 'paused' ? 'paused' : 'training',
        loading: undefined,
        dataset: m.dataset,
        setupMs: m.setupMs,
        sharpnessImages: m.sharpnessImages,
        backend: view.backend ? { ...view.backend, name: m.backend } : { name: m.backend, note: '', attempts: [] },
        lanes: view.lanes.map((l, i) => ({ ...l, info: m.lanes[i], label: m.lanes[i]?.label ?? l.label, status: 'training' })),
      };
    case 'laneProgress':
      return updateLane({ ...view, phase: view.phase === 'preparing' ? 'training' : view.phase }, m.lane, (l) => onProgress(l, m));
    case 'laneEpochEnded':
      return updateLane(view, m.lane, (l) => ({ ...l, records: [...l.records, m.record] }));
    case 'lanePreview': {
      const reading = m.preview.sharpness;
      return updateLane(view, m.lane, (l) =>
        l.sharpness.at(-1)?.step === reading.step ? l : { ...l, sharpness: [...l.sharpness, reading].slice(-500) },
      );
    }
    case 'laneFinished':
      return updateLane(view, m.lane, (l) => ({ ...l, status: m.status, step: m.steps, final: m.final, message: m.message }));
    case 'paused':
      return isActive(view.phase) ? { ...view, phase: 'paused' } : view;
    case 'resumed':
      return isActive(view.phase) ? { ...view, phase: 'training' } : view;
    case 'compareFinished':
      return { ...view, phase: m.status };
    case 'failed':
      return { ...view, phase: 'failed', error: m.message, diagnostics: m.diagnostics, loading: undefined };
    case 'cancelled':
      return { ...view, phase: 'cancelled' };
    case 'workerRestarted':
      return {
        ...view,
        phase: m.command === 'stop' ? 'stopped' : 'cancelled',
        notes: [...view.notes, { kind: 'error', text: `${m.reason}; the runs end where their last reports left them.` }],
      };
    case 'diverged':
      return { ...view, notes: [...view.notes, { kind: 'error', text: m.message }] };
    // single-run reports: not part of a comparison
    case 'started':
    case 'progress':
    case 'epochEnded':
    case 'preview':
    case 'fallback':
    case 'finished':
    case 'downloadReady':
    case 'downloadFailed':
    case 'anatomy':
    case 'anatomyFailed':
    case 'scores':
    case 'scoreFailed':
    case 'attributeRow':
    case 'attributeFailed':
    case 'moonRow':
    case 'moonFailed':
    case 'likelihoodProgress':
    case 'likelihood':
    case 'likelihoodFailed':
      return view;
  }
}

export type BatchCheck =
  { kind: 'same'; step: number } | { kind: 'different'; step: number } | { kind: 'expected-different' } | { kind: 'pending' };

/**
 * Whether lane `lane` has trained on the same batches as the first lane, by
 * the hashes both reported at the latest step they share.
 */
export function checkBatches(view: CompareView, lane: number): BatchCheck {
  const first = view.lanes[0];
  const other = view.lanes[lane];
  if (!first || !other) return { kind: 'pending' };
  if (other.info && !other.info.sameBatches) return { kind: 'expected-different' };
  const mine = new Map(first.digests.map((d) => [d.step, d.digest]));
  for (let i = other.digests.length - 1; i >= 0; i--) {
    const d = other.digests[i];
    const theirs = d ? mine.get(d.step) : undefined;
    if (d && theirs !== undefined) return theirs === d.digest ? { kind: 'same', step: d.step } : { kind: 'different', step: d.step };
  }
  return { kind: 'pending' };
}

/** The latest sharpness reading of each lane (undefined before its first pictures). */
export function latestSharpness(view: CompareView): Array<SharpnessReading | undefined> {
  return view.lanes.map((l) => l.sharpness.at(-1));
}
