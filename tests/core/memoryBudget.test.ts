// The memory and time estimate before training: sizes from the analysis, limits per backend, the node and param to shrink.
import { describe, expect, it } from 'vitest';
import { specRegistry } from '../../nodes';
import { analyzeGraph } from '../../src/core/analyze';
import {
  budgetDiagnostic,
  checkTrainingBudget,
  DEFAULT_BUDGET_BYTES,
  epochSeconds,
  estimateTraining,
  limitsFor,
  WASM_HEAP_BYTES,
} from '../../src/core/memoryBudget';
import { cloneDoc, findNode, graphFiles, loadGraph } from '../helpers';

/** The graph a user made by setting both networks to eight layers of 4096 and the code to 512 (247.7M parameters). */
function hugeVae() {
  const doc = cloneDoc(loadGraph('vae'));
  findNode(doc, 'encoder').params.hidden = new Array(8).fill(4096);
  findNode(doc, 'encoder').params.latentDim = 512;
  findNode(doc, 'decoder').params.hidden = new Array(8).fill(4096);
  return doc;
}

const budget = limitsFor('wasm', DEFAULT_BUDGET_BYTES);

describe('the training estimate', () => {
  it('counts weights, gradients, Adam moments and activations from the analysis', () => {
    const doc = loadGraph('vae');
    const analysis = analyzeGraph(doc, specRegistry);
    const e = estimateTraining(doc, analysis, specRegistry);
    expect(e.params).toBe(analysis.totalParams);
    // two copies of the weights (one kept to survive a lost device), one of gradients, two Adam moments
    expect(e.bytes.weights).toBe(2 * 4 * e.params);
    expect(e.bytes.gradients).toBe(4 * e.params);
    expect(e.bytes.optimizer).toBe(8 * e.params);
    expect(e.bytes.activations).toBeGreaterThan(0);
    expect(e.bytes.total).toBe(e.bytes.weights + e.bytes.gradients + e.bytes.optimizer + e.bytes.activations);
    // 784-400-20 and back: the dense layers' multiply-adds per image
    expect(e.macsPerImage).toBeGreaterThanOrEqual(784 * 400 + 400 * 20 * 2 + 20 * 400 + 400 * 784);
    expect(e.trainImages).toBe(9_000);
    expect(e.nodes[0]?.nodeId).toMatch(/encoder|decoder/);
  });

  it('grows with the batch: activations scale, weights do not', () => {
    const small = loadGraph('vae');
    const big = cloneDoc(small);
    findNode(big, 'data').params.batchSize = 1024;
    const a = estimateTraining(small, analyzeGraph(small, specRegistry), specRegistry);
    const b = estimateTraining(big, analyzeGraph(big, specRegistry), specRegistry);
    expect(b.bytes.weights).toBe(a.bytes.weights);
    expect(b.bytes.activations).toBeGreaterThan(2 * a.bytes.activations);
  });

  it('every saved graph fits the default budget with room to spare', () => {
    for (const file of graphFiles()) {
      const { check } = checkTrainingBudget(loadGraph(file), specRegistry, budget);
      expect(check.level, file).toBe('ok');
      expect(check.summary).toMatch(/^≈ [\d.]+ (kB|MB) to train$/);
    }
  });

  it('refuses a 248M-parameter model, naming the node and the param to shrink', () => {
    const { estimate, check } = checkTrainingBudget(hugeVae(), specRegistry, budget);
    expect(estimate.params).toBeGreaterThan(247e6);
    expect(check.level).toBe('over');
    expect(check.nodeId).toMatch(/encoder|decoder/);
    expect(check.field).toBe('hidden');
    expect(check.message).toMatch(/Too big to train here: about [\d.]+ GB .* is over the memory budget \(2\.0 GB\)/);
    expect(check.message).toMatch(/shrink its hidden units \(now 4096, 4096/);
    expect(budgetDiagnostic(check)).toMatchObject({ severity: 'error', code: 'too-big', field: 'hidden' });
  });

  it('warns near the limit, and caps any budget at what the wasm heap can hold', () => {
    const doc = hugeVae();
    const { estimate } = checkTrainingBudget(doc, specRegistry, budget);
    const near = checkTrainingBudget(doc, specRegistry, limitsFor('cpu', estimate.bytes.total / 0.8)).check;
    expect(near.level).toBe('near');
    expect(budgetDiagnostic(near)?.severity).toBe('warning');
    const capped = limitsFor('wasm', 64e9);
    expect(capped.budgetBytes).toBeLessThan(WASM_HEAP_BYTES);
    expect(limitsFor('cpu', 64e9).budgetBytes).toBe(64e9);
  });

  it('refuses what a WebGPU adapter cannot bind in one buffer, whatever the budget', () => {
    const doc = cloneDoc(loadGraph('vae'));
    findNode(doc, 'encoder').params.hidden = [4096, 4096];
    const gpu = { maxBufferSize: 256 * 2 ** 20, maxStorageBufferBindingSize: 32 * 2 ** 20 };
    const { check } = checkTrainingBudget(doc, specRegistry, limitsFor('webgpu', 64e9, gpu));
    expect(check.level).toBe('over');
    expect(check.message).toMatch(/largest buffer .* is over the largest buffer this GPU's WebGPU adapter can bind \(33\.6 MB\)/);
    expect(checkTrainingBudget(doc, specRegistry, limitsFor('wasm', 64e9)).check.level).toBe('ok');
  });

  it('estimates an epoch from a measured speed, scaled by the work per image', () => {
    const doc = loadGraph('vae');
    const e = estimateTraining(doc, analyzeGraph(doc, specRegistry), specRegistry);
    expect(epochSeconds(e, undefined)).toBeUndefined();
    expect(epochSeconds(e, { macsPerImage: e.macsPerImage, samplesPerSecond: 3000, backend: 'wasm' })).toBeCloseTo(3, 5);
    // twice the work per image at the same measured rate: twice as long
    expect(epochSeconds(e, { macsPerImage: e.macsPerImage / 2, samplesPerSecond: 3000, backend: 'wasm' })).toBeCloseTo(6, 5);
  });
});
