/**
 * What the dashboard knows about the current run: one state, changed only by
 * the pure `reduceRun(view, message, now)`. Reports from another run id are
 * ignored here, so a cancelled run can never write into the next one.
 */
import type { Diagnostic } from '../../core/diagnostics';
import { backendTitles, type BackendAttempt, type BackendName } from '../backends';
import type { FromWorker, FromWorkerOf, SharpnessReading } from '../protocol';

export type RunPhase = 'idle' | 'preparing' | 'training' | 'paused' | 'finished' | 'stopped' | 'diverged' | 'failed' | 'cancelled';

export interface CurvePoint {
  step: number;
  value: number;
}

export interface Curve {
  train: CurvePoint[];
  test: CurvePoint[];
}

export interface Curves {
  objective: Curve;
  recon: Curve;
  kl: Curve;
  betaKl: Curve;
}

type Started = FromWorkerOf<'started'>;
type Progress = FromWorkerOf<'progress'>;
type EpochRecord = FromWorkerOf<'epochEnded'>['record'];
type EvalMetrics = EpochRecord['test'];

export interface RunNote {
  kind: 'info' | 'warning' | 'error';
  text: string;
}

export interface RunView {
  runId: number;
  phase: RunPhase;
  backend: { name: BackendName; note: string; attempts: BackendAttempt[] } | undefined;
  /** Things the user should know about this run (fallbacks, divergence). */
  notes: RunNote[];
  loading: { what: string; loaded: number; total: number | undefined } | undefined;
  plan: Omit<Started, 'type' | 'runId' | 'startStep' | 'setupMs' | 'backend'> | undefined;
  setupMs: number | undefined;
  firstStepMs: number | undefined;
  step: number;
  /** Fractional epochs done. */
  epochProgress: number;
  samplesPerSecond: number;
  /** Smoothed steps per second while training (for the ETA). */
  stepsPerSecond: number | undefined;
  etaSeconds: number | undefined;
  latest: Progress | undefined;
  /** The first report's metrics (the loss before training did much). */
  first: Progress | undefined;
  curves: Curves;
  records: EpochRecord[];
  final: EvalMetrics | null | undefined;
  numTensors: number[];
  previewSteps: number[];
  /** The sharpness meter at each preview. */
  sharpness: SharpnessReading[];
  error: string | undefined;
  diagnostics: Diagnostic[];
  /** Internal: time and step of the last progress (for the rate). */
  lastTick: { at: number; step: number } | undefined;
}

const emptyCurve = (): Curve => ({ train: [], test: [] });

export function createIdleRun(runId = 0): RunView {
  return {
    runId,
    phase: 'idle',
    backend: undefined,
    notes: [],
    loading: undefined,
    plan: undefined,
    setupMs: undefined,
    firstStepMs: undefined,
    step: 0,
    epochProgress: 0,
    samplesPerSecond: 0,
    stepsPerSecond: undefined,
    etaSeconds: undefined,
    latest: undefined,
    first: undefined,
    curves: { objective: emptyCurve(), recon: emptyCurve(), kl: emptyCurve(), betaKl: emptyCurve() },
    records: [],
    final: undefined,
    numTensors: [],
    previewSteps: [],
    sharpness: [],
    error: undefined,
    diagnostics: [],
    lastTick: undefined,
  };
}

/** A new run waiting for the worker. */
export function createPreparingRun(runId: number): RunView {
  return { ...createIdleRun(runId), phase: 'preparing' };
}

export const isActive = (phase: RunPhase): boolean => phase === 'preparing' || phase === 'training' || phase === 'paused';

/** Adds a point to a curve; long curves keep every other point of their older half. */
export const appendPoint = (points: CurvePoint[], point: CurvePoint, max = 4000): CurvePoint[] => {
  const next = [...points, point];
  // keep long runs light: thin the older half when the curve gets long
  if (next.length <= max) return next;
  return [...next.slice(0, max / 2).filter((_, i) => i % 2 === 0), ...next.slice(max / 2)];
};

function withTrain(curve: Curve, step: number, value: number): Curve {
  return { ...curve, train: appendPoint(curve.train, { step, value }) };
}

function withTest(curve: Curve, step: number, value: number): Curve {
  return { ...curve, test: appendPoint(curve.test, { step, value }) };
}

function onProgress(view: RunView, m: Progress, now: number): RunView {
  const c = view.curves;
  const curves: Curves = {
    objective: withTrain(c.objective, m.step, m.train.objective),
    recon: withTrain(c.recon, m.step, m.train.recon),
    kl: withTrain(c.kl, m.step, m.train.kl),
    betaKl: withTrain(c.betaKl, m.step, m.train.betaKl),
  };
  let stepsPerSecond = view.stepsPerSecond;
  if (view.lastTick && m.step > view.lastTick.step && now > view.lastTick.at) {
    const rate = ((m.step - view.lastTick.step) * 1000) / (now - view.lastTick.at);
    stepsPerSecond = stepsPerSecond === undefined ? rate : 0.7 * stepsPerSecond + 0.3 * rate;
  }
  const total = view.plan?.totalSteps ?? 0;
  const perEpoch = view.plan?.stepsPerEpoch ?? 0;
  return {
    ...view,
    phase: view.phase === 'paused' ? 'paused' : 'training',
    loading: undefined,
    step: m.step,
    epochProgress: perEpoch > 0 ? m.step / perEpoch : 0,
    samplesPerSecond: m.samplesPerSecond,
    stepsPerSecond,
    etaSeconds: stepsPerSecond && stepsPerSecond > 0 ? Math.max(0, total - m.step) / stepsPerSecond : undefined,
    latest: m,
    first: view.first ?? m,
    firstStepMs: view.firstStepMs ?? m.firstStepMs,
    curves,
    numTensors: [...view.numTensors, m.numTensors].slice(-500),
    lastTick: { at: now, step: m.step },
  };
}

function onEpochEnded(view: RunView, record: EpochRecord): RunView {
  const c = view.curves;
  const t = record.test;
  return {
    ...view,
    records: [...view.records, record],
    curves: {
      objective: withTest(c.objective, record.step, t.recon + t.betaKl),
      recon: withTest(c.recon, record.step, t.recon),
      kl: withTest(c.kl, record.step, t.kl),
      betaKl: withTest(c.betaKl, record.step, t.betaKl),
    },
  };
}

/** The next view after a message from the worker (pure). */
export function reduceRun(view: RunView, m: FromWorker, now: number): RunView {
  if (m.type === 'ready' || m.type === 'protocolError') return view;
  if (m.runId !== view.runId) return view;
  switch (m.type) {
    case 'loading':
      return { ...view, loading: { what: m.what, loaded: m.loaded, total: m.total } };
    case 'backend':
      return { ...view, backend: { name: m.backend, note: m.note, attempts: m.attempts } };
    case 'started': {
      const { type: _type, runId: _runId, startStep, setupMs, backend, ...plan } = m;
      const resumed = startStep > 0 || view.plan !== undefined;
      return {
        ...view,
        phase: view.phase === 'paused' ? 'paused' : 'training',
        plan,
        loading: undefined,
        setupMs: view.setupMs ?? setupMs,
        step: resumed ? startStep : 0,
        lastTick: undefined,
        backend: view.backend ? { ...view.backend, name: backend } : { name: backend, note: '', attempts: [] },
      };
    }
    case 'progress':
      return onProgress(view, m, now);
    case 'epochEnded':
      return onEpochEnded(view, m.record);
    case 'preview': {
      const reading = m.preview.sharpness;
      const sharpness = reading && view.sharpness.at(-1)?.step !== reading.step ? [...view.sharpness, reading].slice(-500) : view.sharpness;
      return { ...view, previewSteps: [...view.previewSteps, m.preview.step].slice(-500), sharpness };
    }
    case 'paused':
      return isActive(view.phase) ? { ...view, phase: 'paused', step: m.step, lastTick: undefined } : view;
    case 'resumed':
      return isActive(view.phase) ? { ...view, phase: 'training', step: m.step, lastTick: { at: now, step: m.step } } : view;
    case 'diverged':
      return { ...view, notes: [...view.notes, { kind: 'error', text: m.message }] };
    case 'fallback':
      return {
        ...view,
        backend: { name: m.to, note: m.note, attempts: view.backend?.attempts ?? [] },
        lastTick: undefined,
        notes: [
          ...view.notes,
          {
            kind: 'warning',
            text:
              `${m.reason}. Training continues on ${backendTitles[m.to]} from step ${m.resumedAtStep} with the weights kept` +
              (m.lostSteps > 0 ? ` (${m.lostSteps} step${m.lostSteps === 1 ? '' : 's'} redone).` : '.'),
          },
        ],
      };
    case 'finished':
      return {
        ...view,
        phase: m.status,
        step: m.steps,
        final: m.final,
        etaSeconds: undefined,
        ...(m.message ? { error: m.message } : {}),
      };
    case 'failed':
      return { ...view, phase: 'failed', error: m.message, diagnostics: m.diagnostics, loading: undefined, etaSeconds: undefined };
    case 'cancelled':
      return { ...view, phase: 'cancelled', etaSeconds: undefined };
    case 'workerRestarted': {
      // the run ends where its last report left it: a stop keeps those results
      const text = `${m.command === 'stop' ? 'Stopped' : 'Cancelled'}: ${m.reason}. The graph and the run history are as they were.`;
      const phase = m.command === 'stop' && view.step > 0 ? 'stopped' : 'cancelled';
      return { ...view, phase, etaSeconds: undefined, loading: undefined, notes: [...view.notes, { kind: 'warning', text }] };
    }
    case 'downloadReady':
    case 'downloadFailed':
    // falls through: the anatomy and the scores have their own state in the training store
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
    // falls through: comparisons have their own state (compareState.ts)
    case 'compareStarted':
    case 'laneProgress':
    case 'laneEpochEnded':
    case 'lanePreview':
    case 'laneFinished':
    case 'compareFinished':
      return view;
  }
}

/** m:ss or h:mm:ss */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(r).padStart(2, '0')}`;
}
