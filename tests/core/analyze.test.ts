import { describe, expect, test } from 'vitest';
import { specRegistry } from '../../nodes';
import { analyzeGraph } from '../../src/core/analyze';
import type { GraphDoc } from '../../src/core/schema';
import { formatShape } from '../../src/core/shape';
import { cloneDoc, edge, findNode, graphFiles, loadGraph } from '../helpers';

const analyze = (doc: GraphDoc) => analyzeGraph(doc, specRegistry);
const vae = loadGraph('vae');

function issuesOf(doc: GraphDoc, nodeId: string) {
  return analyze(doc).nodes[nodeId]?.issues ?? [];
}

describe('analyzeGraph on the saved graphs', () => {
  test.each(graphFiles())('%s has no errors', (file) => {
    const a = analyze(loadGraph(file));
    expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(a.ok).toBe(true);
    expect(a.totalParams).toBeGreaterThan(0);
  });

  test('VAE shapes and parameter counts (784-400-20)', () => {
    const a = analyze(vae);
    expect(formatShape(a.nodes.data?.outputs.x)).toBe('[B×28×28×1]');
    expect(formatShape(a.nodes.encoder?.outputs.mean)).toBe('[B×20]');
    expect(formatShape(a.nodes.reparam?.outputs.z)).toBe('[B×20]');
    expect(formatShape(a.nodes.decoder?.outputs.xHat)).toBe('[B×28×28×1]');
    expect(formatShape(a.nodes.recon?.outputs.loss)).toBe('scalar');
    // encoder: 784·400+400 + 2·(400·20+20); decoder: 20·400+400 + 400·784+784
    expect(a.nodes.encoder?.paramCount).toBe(784 * 400 + 400 + 2 * (400 * 20 + 20));
    expect(a.nodes.decoder?.paramCount).toBe(20 * 400 + 400 + 400 * 784 + 784);
    expect(a.totalParams).toBe(652_824);
  });

  test('an AE prunes the unused log-variance head', () => {
    const a = analyze(loadGraph('ae'));
    expect(a.nodes.encoder?.paramCount).toBe(784 * 400 + 400 + 400 * 20 + 20);
    expect(a.nodes.encoder?.usedOutputs).toEqual(['mean']);
  });

  test('conv VAE: stride-2 halvings and the mirrored decoder', () => {
    const a = analyze(loadGraph('conv-vae'));
    // 28→14→7: 7·7·64 = 3136 into dense 256
    const enc = 4 * 4 * 1 * 32 + 32 + 4 * 4 * 32 * 64 + 64 + 3136 * 256 + 256 + 2 * (256 * 16 + 16);
    expect(a.nodes.encoder?.paramCount).toBe(enc);
    const dec = 16 * 256 + 256 + 256 * 3136 + 3136 + 4 * 4 * 32 * 64 + 32 + 4 * 4 * 1 * 32 + 1;
    expect(a.nodes.decoder?.paramCount).toBe(dec);
    expect(formatShape(a.nodes.decoder?.outputs.xHat)).toBe('[B×28×28×1]');
  });
});

describe('analyzeGraph finds problems and names the node and field', () => {
  test('a missing input', () => {
    const doc = cloneDoc(vae);
    doc.edges = doc.edges.filter((e) => e.id !== 'e-z-decoder');
    const issues = issuesOf(doc, 'decoder');
    expect(issues).toContainEqual(expect.objectContaining({ code: 'missing-input', field: 'z', severity: 'error' }));
    expect(issues[0]?.message).toMatch(/node 'decoder' \(Decoder\): input 'z' is not connected/);
    // downstream nodes are blocked but not blamed
    expect(issuesOf(doc, 'recon').filter((i) => i.severity === 'error')).toEqual([]);
  });

  test('an incompatible socket kind', () => {
    const doc = cloneDoc(vae);
    doc.edges = doc.edges.map((e) => (e.id === 'e-z-decoder' ? edge('e-z-decoder', 'encoder', 'logVar', 'decoder', 'z') : e));
    const issues = issuesOf(doc, 'decoder');
    expect(issues).toContainEqual(expect.objectContaining({ code: 'socket-kind', field: 'z' }));
    expect(issues.map((i) => i.message).join()).toMatch(/log-variance .* expects a latent code/);
  });

  test('a cycle', () => {
    const doc = cloneDoc(vae);
    // decoder output back into… the encoder input is an image socket, reconstruction can't go there;
    // make a real cycle with scalars: loss terms → beta → loss terms
    doc.nodes.push({
      id: 'b1',
      type: 'Beta',
      version: 1,
      params: findNode(loadGraph('beta-vae'), 'beta').params,
      position: { x: 0, y: 0 },
    });
    doc.nodes.push({
      id: 'b2',
      type: 'Beta',
      version: 1,
      params: findNode(loadGraph('beta-vae'), 'beta').params,
      position: { x: 0, y: 0 },
    });
    doc.edges.push(edge('c1', 'b1', 'loss', 'b2', 'kl'), edge('c2', 'b2', 'loss', 'b1', 'kl'));
    const a = analyze(doc);
    expect(a.nodes.b1?.issues.map((i) => i.code)).toContain('cycle');
    expect(a.nodes.b1?.issues.find((i) => i.code === 'cycle')?.message).toMatch(/b1 → b2 → b1|b2 → b1 → b2/);
    expect(a.ok).toBe(false);
  });

  test('a shape error: too many conv layers for 28×28', () => {
    const doc = loadGraph('conv-vae');
    findNode(doc, 'decoder').params.filters = [128, 64, 32];
    const issues = issuesOf(doc, 'decoder');
    expect(issues).toContainEqual(expect.objectContaining({ field: 'filters', severity: 'error' }));
    expect(issues[0]?.message).toMatch(/divisible by 8, but it is 28×28; use at most 2 conv layers/);
  });

  test('a latent size mismatch between μ and log σ²', () => {
    const doc = cloneDoc(vae);
    doc.nodes.push({
      id: 'enc2',
      type: 'Encoder',
      version: 1,
      params: { ...findNode(vae, 'encoder').params, latentDim: 8 },
      position: { x: 0, y: 0 },
    });
    doc.edges.push(edge('x2', 'data', 'x', 'enc2', 'x'));
    doc.edges = doc.edges.map((e) => (e.id === 'e-logvar-kl' ? edge('e-logvar-kl', 'enc2', 'logVar', 'kl', 'logVar') : e));
    expect(
      issuesOf(doc, 'kl')
        .map((i) => i.message)
        .join(),
    ).toMatch(/μ is \[B×20\] but log σ² is \[B×8\]/);
  });

  test('two connections into a single input', () => {
    const doc = cloneDoc(vae);
    doc.edges.push(edge('again', 'encoder', 'mean', 'decoder', 'z'));
    expect(issuesOf(doc, 'decoder')).toContainEqual(expect.objectContaining({ code: 'multiple-connections' }));
  });

  test('no Loss, two Losses, no Dataset', () => {
    const none = cloneDoc(vae);
    none.nodes = none.nodes.filter((n) => n.id !== 'loss');
    none.edges = none.edges.filter((e) => e.to.node !== 'loss');
    expect(analyze(none).diagnostics.map((d) => d.code)).toContain('no-objective');

    const two = cloneDoc(vae);
    two.nodes.push({ ...findNode(vae, 'loss'), id: 'loss2' });
    expect(issuesOf(two, 'loss2').map((i) => i.code)).toContain('too-many');

    const nodata = cloneDoc(vae);
    nodata.nodes = nodata.nodes.filter((n) => n.id !== 'data');
    nodata.edges = nodata.edges.filter((e) => e.from.node !== 'data');
    expect(analyze(nodata).diagnostics.map((d) => d.code)).toContain('no-dataset');
  });

  test('a node that does not reach the Loss is a warning, not an error', () => {
    const doc = cloneDoc(vae);
    doc.nodes.push({ id: 'spare', type: 'Decoder', version: 1, params: findNode(vae, 'decoder').params, position: { x: 0, y: 0 } });
    doc.edges.push(edge('s', 'reparam', 'z', 'spare', 'z'));
    const a = analyze(doc);
    expect(a.nodes.spare?.used).toBe(false);
    expect(a.nodes.spare?.issues).toContainEqual(expect.objectContaining({ code: 'unused', severity: 'warning' }));
    expect(a.ok).toBe(true);
    expect(a.totalParams).toBe(652_824);
  });

  test('teaching hint: sampling without a KL term', () => {
    const doc = cloneDoc(vae);
    doc.nodes = doc.nodes.filter((n) => n.id !== 'kl');
    doc.edges = doc.edges.filter((e) => e.to.node !== 'kl' && e.from.node !== 'kl');
    expect(issuesOf(doc, 'reparam')).toContainEqual(expect.objectContaining({ code: 'no-kl', severity: 'warning' }));
  });

  test('an invalid param value in an edited doc is reported, not thrown', () => {
    const doc = cloneDoc(vae);
    findNode(doc, 'encoder').params.latentDim = -3;
    expect(issuesOf(doc, 'encoder')).toContainEqual(expect.objectContaining({ code: 'param', field: 'latentDim' }));
  });

  test('an empty graph has no crash', () => {
    const doc = { ...cloneDoc(vae), nodes: [], edges: [] };
    expect(analyze(doc).ok).toBe(true);
  });
});
