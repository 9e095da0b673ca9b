/**
 * A trial of a graph on the active backend: one step to compile its kernels,
 * then timed steps for a moment, on random images of the graph's shape (the
 * speed does not depend on the pixels). Used to choose a backend by measuring.
 */
import { compileProgram } from '../../compiler/program';
import type { GraphDoc } from '../../core/schema';
import type { BatchArrays } from '../../data/batches';
import type { TfModule } from './layersModel';
import { createOptimizer } from './optimizer';
import { trainingStep } from './trainer';

export interface TrialOptions {
  /** Stop timing after about this long (default 600 ms)… */
  budgetMs?: number;
  /** …or this many timed steps (default 8). */
  maxSteps?: number;
}

export async function trialSpeed(tf: TfModule, doc: GraphDoc, options: TrialOptions = {}): Promise<number> {
  const compiled = compileProgram(doc, tf);
  if (!compiled.ok) throw new Error(compiled.diagnostics.map((d) => d.message).join('; '));
  const program = compiled.program;
  const optimizer = createOptimizer(tf, program.plan.training.optimizer, program.model.variables);
  try {
    const [h, w, c] = program.plan.imageShape;
    const size = program.plan.dataset.batchSize;
    const x = new Float32Array(size * h * w * c);
    for (let i = 0; i < x.length; i++) x[i] = ((i * 7919) % 256) / 255;
    const batch: BatchArrays = { x, labels: new Int32Array(size), size, indices: new Uint32Array(size) };
    // each step's numbers are read back, so a GPU's queued work is inside the time measured
    const step = async (n: number) => {
      const packed = tf.tidy(() => trainingStep(program, optimizer, batch, { step: n, learningRate: 0 }).packed);
      await packed.data();
      packed.dispose();
    };
    await step(0);
    const budget = options.budgetMs ?? 600;
    const maxSteps = options.maxSteps ?? 8;
    const t0 = performance.now();
    let steps = 0;
    while (steps < maxSteps && (steps === 0 || performance.now() - t0 < budget)) await step(++steps);
    const seconds = (performance.now() - t0) / 1000;
    return (steps * size) / Math.max(seconds, 1e-6);
  } finally {
    optimizer.dispose();
    program.dispose();
  }
}
