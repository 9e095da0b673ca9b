/**
 * What a single run answers about its latent space outside the training loop:
 * attribute vectors (the mean code of one group of test images minus
 * another's, added to a chosen image's code and decoded) and the
 * importance-weighted estimate of log p(x), and the moon interpolation (a
 * small to a full-size ellipse, decoded and measured). All are refused while
 * the run takes steps, so every number comes from one set of weights.
 */
import { datasetInfo } from '../../core/datasets';
import { applyVector, attributeVector, groupsOf, type VectorSpec } from '../../core/latentArithmetic';
import { encodeDataset } from '../../metrics/encodeLatents';
import { estimateLogLikelihood, likelihoodProblem } from '../../metrics/logLikelihood';
import type { AttributeRow, MoonRow, ToWorker } from '../protocol';
import { errorText } from './hostDeps';
import { moonPath, moonProblem } from './moonPath';
import type { Session, SessionIo } from './singleRunState';

type AttributeRequest = Extract<ToWorker, { type: 'attributeVector' }>;
type LikelihoodRequest = Extract<ToWorker, { type: 'estimateLikelihood' }>;
type MoonRequest = Extract<ToWorker, { type: 'moonPath' }>;

/** The run's model and data once its weights can be read (not while it takes steps), or why not. */
function settledModel(s: Session): { program: NonNullable<Session['program']>; data: NonNullable<Session['data']> } | string {
  const { program, data } = s;
  if (!program || !data) return 'there is no trained model yet: start training first';
  if (s.phase === 'training' && !s.control.paused) return 'pause or stop training first: the codes must all come from the same weights';
  return { program, data };
}

export async function postAttributeRow(io: SessionIo, s: Session, request: AttributeRequest): Promise<void> {
  const { requestId } = request;
  const fail = (message: string) => io.post({ type: 'attributeFailed', runId: s.runId, requestId, message });
  const model = settledModel(s);
  if (typeof model === 'string') return fail(model);
  const { program, data } = model;
  const fixed = s.previewSet?.fixed;
  if (!fixed) return fail('there are no pictures yet');
  if (!program.plan.generation?.mean) return fail('this graph has no encoder, so images have no codes to move');
  const testIndex = fixed.indices[request.image];
  if (testIndex === undefined) return fail(`there is no preview image ${request.image + 1}`);
  const id = program.plan.dataset.id;
  // hand-picked groups arrive as preview images: the test images behind them
  const toTest = (slots: ReadonlyArray<number>) => slots.map((slot) => fixed.indices[slot] ?? -1);
  const spec: VectorSpec =
    request.spec.by === 'picked' ? { by: 'picked', to: toTest(request.spec.to), from: toTest(request.spec.from) } : request.spec;
  const groups = groupsOf(spec, {
    labels: data.test.labels,
    classNames: datasetInfo[id].classNames,
    ...(data.factors ? { factors: { ...data.factors, levels: data.factors.test } } : {}),
  });
  if (!groups.ok) return fail(groups.message.replace(/^--vector:? ?/, ''));
  const { tf } = program;
  try {
    const encoded = await encodeDataset(program, data, { split: 'test' });
    const d = encoded.means.dims;
    const v = attributeVector(encoded.means.values, d, groups.value);
    if (!v.ok) return fail(v.message);
    const code = encoded.means.values.subarray(testIndex * d, (testIndex + 1) * d);
    const codes = applyVector(code, v.value.vector, request.alphas);
    const decoded = tf.tidy(() => program.decode(tf.tensor2d(codes, [request.alphas.length, d])));
    let images: Float32Array;
    try {
      images = Float32Array.from(await decoded.data<'float32'>());
    } finally {
      decoded.dispose();
    }
    const px = fixed.x.length / fixed.size;
    const row: AttributeRow = {
      step: s.step,
      variational: program.plan.variational,
      spec: request.spec,
      toName: groups.value.toName,
      fromName: groups.value.fromName,
      toCount: v.value.toCount,
      fromCount: v.value.fromCount,
      norm: v.value.norm,
      image: request.image,
      imageGroup: groups.value.to(testIndex) ? 'to' : groups.value.from(testIndex) ? 'from' : 'neither',
      alphas: request.alphas,
      imageShape: [...data.imageShape],
      input: { n: 1, data: fixed.x.slice(request.image * px, (request.image + 1) * px) },
      images: { n: request.alphas.length, data: images },
    };
    if (io.ended()) return;
    io.post(
      { type: 'attributeRow', runId: s.runId, requestId, row },
      [row.input.data.buffer, row.images.data.buffer].filter(isArrayBuffer),
    );
  } catch (e) {
    fail(`the attribute vector failed: ${errorText(e)}`);
  }
}

export async function postMoonRow(io: SessionIo, s: Session, request: MoonRequest): Promise<void> {
  const { requestId } = request;
  const fail = (message: string) => io.post({ type: 'moonFailed', runId: s.runId, requestId, message });
  const model = settledModel(s);
  if (typeof model === 'string') return fail(model);
  const { program, data } = model;
  const unfit = moonProblem(program, data);
  if (unfit) return fail(unfit);
  try {
    const path = await moonPath(program, data, request.steps);
    const { pair, measures } = path;
    const row: MoonRow = {
      step: s.step,
      variational: program.plan.variational,
      pair: { small: pair.small, large: pair.large, shape: pair.shape, rotation: pair.rotation, x: pair.x, y: pair.y },
      imageShape: [...data.imageShape],
      ends: { n: 2, data: path.ends },
      images: { n: request.steps, data: path.images },
      gaps: measures.gaps,
      massScales: measures.massScales,
      midGap: measures.midGap,
      midExcess: measures.midExcess,
      growsMonotonically: measures.growsMonotonically,
    };
    if (io.ended()) return;
    io.post({ type: 'moonRow', runId: s.runId, requestId, row }, [row.ends.data.buffer, row.images.data.buffer].filter(isArrayBuffer));
  } catch (e) {
    fail(`the moon interpolation failed: ${errorText(e)}`);
  }
}

/** Estimates the user cancelled, by run and request (read between images, so a cancel stops at the next one). */
const cancelledEstimates = new Set<string>();
const estimateKey = (runId: number, requestId: number) => `${runId}:${requestId}`;

/** Marks an estimate cancelled: it stops at its next image (or before it starts) and posts nothing more. */
export function cancelLikelihood(s: Session, requestId: number): void {
  cancelledEstimates.add(estimateKey(s.runId, requestId));
}

class EstimateCancelled extends Error {}

export async function postLikelihood(io: SessionIo, s: Session, request: LikelihoodRequest): Promise<void> {
  const key = estimateKey(s.runId, request.requestId);
  if (cancelledEstimates.delete(key)) return;
  try {
    await estimateAndPost(io, s, request, key);
  } finally {
    cancelledEstimates.delete(key);
  }
}

async function estimateAndPost(io: SessionIo, s: Session, request: LikelihoodRequest, key: string): Promise<void> {
  const { requestId } = request;
  const fail = (message: string) => io.post({ type: 'likelihoodFailed', runId: s.runId, requestId, message });
  const model = settledModel(s);
  if (typeof model === 'string') return fail(model);
  const { program, data } = model;
  const unfit = likelihoodProblem(program);
  if (unfit) return fail(unfit);
  const started = io.now();
  try {
    const estimate = await estimateLogLikelihood(program, data, {
      samples: request.samples,
      limit: Math.min(request.images, data.test.count),
      // between images the worker reads its messages: a cancelled or replaced run stops the estimate at the next image
      onProgress: async (done, total) => {
        io.post({ type: 'likelihoodProgress', runId: s.runId, requestId, done, total });
        await new Promise((resolve) => setTimeout(resolve, 0));
        if (io.ended()) throw new Error('the run ended');
        if (cancelledEstimates.has(key)) throw new EstimateCancelled();
      },
    });
    if (io.ended()) return;
    io.post({
      type: 'likelihood',
      runId: s.runId,
      requestId,
      result: {
        step: s.step,
        samples: estimate.samples,
        images: estimate.images,
        logLikelihood: estimate.logLikelihood,
        elbo: estimate.elbo,
        seconds: (io.now() - started) / 1000,
      },
    });
  } catch (e) {
    if (!io.ended() && !(e instanceof EstimateCancelled)) fail(`the estimate failed: ${errorText(e)}`);
  }
}

function isArrayBuffer(b: ArrayBufferLike): b is ArrayBuffer {
  return b instanceof ArrayBuffer;
}
