/**
 * A single run's state in the worker, and what it hands out outside the
 * training loop: previews of the pictures, disentanglement scores and the
 * trained model's download.
 */
import type { Program, WeightMap } from '../../compiler/program';
import { liveParamsOf } from '../../core/graphQueries';
import type { GraphDoc } from '../../core/schema';
import type { BatchArrays } from '../../data/batches';
import type { DatasetData } from '../../data/format';
import { specRegistry } from '../../../nodes';
import { encodeDataset } from '../../metrics/encodeLatents';
import { labScores } from '../../metrics/lab';
import type { RunFacts } from '../../share/runPictures';
import type { BackendName } from '../backends';
import type { FromWorkerInput, ParsedRunOptions, Preview, PreviewPicks } from '../protocol';
import { errorText, type HostDeps } from './hostDeps';
import { modelDownloads } from './modelDownload';
import { makePreview, type PreviewSet } from './previews';
import { measureSharpness } from './sharpnessProbe';
import type { EvalMetrics, TrainControl, TrainEvent } from './trainer';

type Phase = 'preparing' | 'training' | 'done';

export interface Session {
  runId: number;
  doc: GraphDoc;
  options: ParsedRunOptions;
  control: TrainControl;
  /** Aborted by stop and cancel (ends the session's training). */
  abort: AbortController;
  /** Aborted to end the current train() call (also on device loss). */
  inner: AbortController;
  phase: Phase;
  cancelled: boolean;
  stopped: boolean;
  program: Program | undefined;
  backend: BackendName | undefined;
  /** Backends that failed during this session. */
  excluded: BackendName[];
  lost: string | undefined;
  data: DatasetData | undefined;
  previewSet: PreviewSet | undefined;
  /** Test images the sharpness meter scores. */
  sharp: BatchArrays | undefined;
  picks: PreviewPicks;
  /** The batch position whose single steps are traced (null: none). */
  anatomySlot: number | null;
  weights: { step: number; values: WeightMap } | undefined;
  step: number;
  epoch: number;
  lastPreview: Preview | undefined;
  previewRequested: boolean;
  /** Serialises previews made outside the training loop. */
  previewChain: Promise<void>;
  final: EvalMetrics | undefined;
  startedAt: number;
  firstStepReported: boolean;
  cancelPosted: boolean;
  /** Resolves when the session has finished running. */
  done: Promise<void>;
}

/** How a session's helpers reach the worker. */
export interface SessionIo {
  deps: HostDeps;
  post(message: FromWorkerInput, transfer?: Transferable[]): void;
  /** True once the session was cancelled or a newer run started. */
  ended(): boolean;
  now(): number;
}

/** Reports one event of the training loop to the page. */
export function postTrainEvent(io: SessionIo, s: Session, program: Program, event: TrainEvent, startStep: number): void {
  if (io.ended() || s.lost !== undefined) return;
  switch (event.type) {
    case 'started': {
      const gen = program.plan.generation;
      io.post({
        type: 'started',
        runId: s.runId,
        backend: s.backend ?? 'cpu',
        totalSteps: event.totalSteps,
        stepsPerEpoch: event.stepsPerEpoch,
        epochs: event.epochs,
        paramCount: event.paramCount,
        startStep,
        dataset: program.plan.dataset.id,
        latentDim: gen?.latentDim ?? 0,
        variational: program.plan.variational,
        hasEncoder: gen?.mean !== undefined,
        hasDecoder: gen !== undefined,
        live: liveParamsOf(program.plan.nodes, specRegistry),
        setupMs: io.now() - s.startedAt,
      });
      return;
    }
    case 'progress': {
      const memory = io.deps.tf.memory();
      const first = !s.firstStepReported;
      s.firstStepReported = true;
      s.step = event.step;
      io.post({
        type: 'progress',
        runId: s.runId,
        step: event.step,
        epoch: event.epoch,
        epochStep: event.epochStep,
        samplesPerSecond: event.samplesPerSecond,
        train: event.train,
        klPerDim: event.klPerDim,
        learningRate: event.applied.learningRate,
        live: event.applied.live,
        numTensors: memory.numTensors,
        numBytes: memory.numBytes,
        ...(first ? { firstStepMs: io.now() - s.startedAt } : {}),
      });
      return;
    }
    case 'epochEnded':
      io.post({ type: 'epochEnded', runId: s.runId, record: event.record });
      return;
    case 'diverged':
      io.post({ type: 'diverged', runId: s.runId, step: event.step, message: event.message });
      return;
    case 'paused':
      io.post({ type: 'paused', runId: s.runId, step: event.step });
      return;
    case 'resumed':
      io.post({ type: 'resumed', runId: s.runId, step: event.step });
      return;
  }
}

export async function sendPreview(io: SessionIo, s: Session, program: Program, at: { step: number; epoch: number }): Promise<void> {
  if (!s.previewSet) return;
  const pictures = await makePreview(program, s.previewSet, s.picks, at);
  const preview: Preview = s.sharp ? { ...pictures, sharpness: (await measureSharpness(program, s.sharp, at.step)).point } : pictures;
  s.lastPreview = preview;
  if (io.ended()) return;
  // copies go to the UI; the session keeps its own for downloads
  const copy = structuredClone(preview);
  io.post({ type: 'preview', runId: s.runId, preview: copy }, transferablesOf(copy));
}

export function queuePreview(io: SessionIo, s: Session): void {
  s.previewChain = s.previewChain.then(async () => {
    const program = s.program;
    if (!program || io.ended() || s.lost !== undefined) return;
    try {
      await sendPreview(io, s, program, { step: s.step, epoch: s.epoch });
    } catch (e) {
      io.post({ type: 'protocolError', runId: s.runId, message: `could not draw the preview: ${errorText(e)}` });
    }
  });
}

/** Scores the current codes of the whole test split against the dataset's known factors. */
export async function postScores(io: SessionIo, s: Session, requestId: number | null): Promise<void> {
  const fail = (message: string) => io.post({ type: 'scoreFailed', runId: s.runId, requestId, message });
  const program = s.program;
  const data = s.data;
  if (!program || !data) return fail('there is no model to score yet: start training first');
  const factors = data.factors;
  if (!factors) return fail(`the ${program.plan.dataset.id} dataset has no known factors; disentanglement is scored on shapes`);
  if (!program.plan.generation?.mean) return fail('this graph has no encoder whose codes could be scored');
  try {
    const started = io.now();
    const encoded = await encodeDataset(program, data, { split: 'test' });
    const scores = labScores(encoded, factors.names, 0);
    if (io.ended()) return;
    io.post({ type: 'scores', runId: s.runId, requestId, step: s.step, epoch: s.epoch, seconds: (io.now() - started) / 1000, scores });
  } catch (e) {
    fail(`scoring failed: ${errorText(e)}`);
  }
}

export async function sendDownloads(io: SessionIo, s: Session, requestId: number): Promise<void> {
  const program = s.program;
  if (!program) {
    io.post({ type: 'downloadFailed', runId: s.runId, requestId, message: 'there is no trained model to download yet' });
    return;
  }
  try {
    const facts: RunFacts = {
      backend: s.backend ?? 'unknown',
      steps: s.step,
      ...(s.final
        ? {
            final: {
              elbo: s.final.elbo,
              recon: s.final.recon,
              kl: s.final.kl,
              activeUnits: s.final.activeUnits,
              klPerDim: s.final.klPerDim,
            },
          }
        : {}),
    };
    const files = await modelDownloads(io.deps.tf, program, s.doc, s.lastPreview, facts);
    io.post(
      { type: 'downloadReady', runId: s.runId, requestId, files },
      files.flatMap((f) => (f.bytes.buffer instanceof ArrayBuffer ? [f.bytes.buffer] : [])),
    );
  } catch (e) {
    io.post({ type: 'downloadFailed', runId: s.runId, requestId, message: `the download failed: ${errorText(e)}` });
  }
}

function transferablesOf(preview: Preview): Transferable[] {
  const arrays = [
    preview.inputs.data,
    preview.reconstructions.data,
    preview.samples.data,
    preview.scatter.points,
    preview.scatter.labels,
    preview.traversal?.images.data,
    preview.interpolation?.images.data,
  ];
  const out: Transferable[] = [];
  for (const a of arrays) if (a && a.buffer instanceof ArrayBuffer) out.push(a.buffer);
  return out;
}
