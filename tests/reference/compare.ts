/** Trains the compiled vae.json and the independent reference on the same data; returns both test ELBOs. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { specRegistry } from '../../nodes';
import { compileProgram } from '../../src/compiler/program';
import { parseGraphText } from '../../src/core/parse';
import { loadDatasetNode, projectRoot } from '../../src/data/loadNode';
import { initNodeBackend, type NodeBackend } from '../../src/runtime/worker/nodeBackend';
import { train } from '../../src/runtime/worker/trainer';
import { trainReferenceVae, type ReferenceResult } from './referenceVae';

export interface Comparison {
  epochs: number;
  compiled: { testElbo: number; testRecon: number; testKl: number; seconds: number };
  reference: ReferenceResult;
  relativeGap: number;
}

export async function compareWithReference(epochs: number, backend: NodeBackend = 'wasm'): Promise<Comparison> {
  const tf = await initNodeBackend(backend);
  const parsed = parseGraphText(readFileSync(join(projectRoot, 'graphs', 'vae.json'), 'utf8'), specRegistry);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('\n'));
  const compiled = compileProgram(parsed.doc, tf);
  if (!compiled.ok) throw new Error(compiled.diagnostics.map((e) => e.message).join('\n'));
  const data = loadDatasetNode('mnist');
  const t0 = Date.now();
  const result = await train(compiled.program, { data, epochs });
  compiled.program.dispose();
  if (result.status !== 'finished' || !result.final) throw new Error(`training ${result.status}: ${result.message ?? ''}`);
  const seconds = (Date.now() - t0) / 1000;

  const toFloat = (u8: Uint8Array) => Float32Array.from(u8, (v) => v / 255);
  const reference = await trainReferenceVae(
    tf,
    {
      trainX: toFloat(data.train.images),
      trainCount: data.train.count,
      testX: toFloat(data.test.images),
      testCount: data.test.count,
    },
    { epochs, seed: 7 },
  );
  const ours = result.final;
  return {
    epochs,
    compiled: { testElbo: ours.elbo, testRecon: ours.recon, testKl: ours.kl, seconds },
    reference,
    relativeGap: Math.abs(ours.elbo - reference.testElbo) / Math.abs(reference.testElbo),
  };
}
