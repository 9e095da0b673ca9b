import { describe, expect, test } from 'vitest';
import { specRegistry } from '../../nodes';
import { analyzeGraph } from '../../src/core/analyze';
import { applySwaps, parseSweep, swapGraph } from '../../src/core/fork';
import { loadGraph } from '../helpers';

describe('swapGraph', () => {
  const vae = loadGraph('vae');
  test('loss=mse changes only the likelihood and keeps every id', () => {
    const r = swapGraph(vae, specRegistry, 'loss=mse');
    if (!r.ok) throw new Error(r.message);
    expect(r.label).toBe('loss = mse');
    expect(r.doc.nodes.map((n) => n.id)).toEqual(vae.nodes.map((n) => n.id));
    expect(r.doc.nodes.find((n) => n.id === 'recon')?.params.distribution).toBe('mse');
    expect(vae.nodes.find((n) => n.id === 'recon')?.params.distribution).toBe('bernoulli'); // untouched
  });
  test('beta=4 inserts a β node into a plain VAE; the result is a valid graph', () => {
    const r = swapGraph(vae, specRegistry, 'beta=4');
    if (!r.ok) throw new Error(r.message);
    expect(r.doc.nodes.find((n) => n.type === 'Beta')?.params.beta).toBe(4);
    expect(analyzeGraph(r.doc, specRegistry).ok).toBe(true);
  });
  test('beta=2 on a β-VAE sets its β', () => {
    const r = swapGraph(loadGraph('beta-vae'), specRegistry, 'beta=2');
    expect(r.ok && r.doc.nodes.find((n) => n.id === 'beta')?.params.beta).toBe(2);
  });
  test('node.param=value and latent=', () => {
    const a = swapGraph(vae, specRegistry, 'kl.freeBits=0.25');
    expect(a.ok && a.doc.nodes.find((n) => n.id === 'kl')?.params.freeBits).toBe(0.25);
    const b = swapGraph(vae, specRegistry, 'latent=2');
    expect(b.ok && b.doc.nodes.find((n) => n.id === 'encoder')?.params.latentDim).toBe(2);
  });
  test.each([
    ['loss=poisson', /'poisson' is not a valid distribution/],
    ['beta=x', /β must be a number/],
    ['nope.x=1', /there is no node 'nope'/],
    ['warp=9', /unknown swap 'warp'/],
    ['garbage', /a swap looks like/],
  ])('%s is refused clearly', (swap, message) => {
    const r = swapGraph(vae, specRegistry, swap);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });
  test('beta= on an AE (no KL) explains why not', () => {
    const r = swapGraph(loadGraph('ae'), specRegistry, 'beta=4');
    expect(!r.ok && r.message).toMatch(/needs exactly one KL node \(found 0\)/);
  });
});

describe('applySwaps and parseSweep', () => {
  const vae = loadGraph('vae');
  test('several swaps in order, one label; none is the original', () => {
    const r = applySwaps(vae, specRegistry, ['loss=mse', 'latent=8']);
    if (!r.ok) throw new Error(r.message);
    expect(r.label).toBe('loss = mse, latent dim = 8');
    expect(r.doc.nodes.find((n) => n.id === 'encoder')?.params.latentDim).toBe(8);
    const same = applySwaps(vae, specRegistry, []);
    expect(same.ok && same.label).toBe('original');
    const bad = applySwaps(vae, specRegistry, ['loss=mse', 'latent=0']);
    expect(!bad.ok && bad.message).toMatch(/^latent=0: node 'encoder' \(Encoder\): '0' is not a valid latentDim/);
  });
  test('a sweep gives one swap list per value', () => {
    expect(parseSweep('beta=0.5,1, 2 4')).toEqual({
      ok: true,
      key: 'beta',
      values: ['0.5', '1', '2', '4'],
      swaps: [['beta=0.5'], ['beta=1'], ['beta=2'], ['beta=4']],
    });
    expect(parseSweep('0.5, 2, 2, 8', 'beta')).toMatchObject({ ok: true, values: ['0.5', '2', '8'] });
    expect(parseSweep('kl.freeBits=0,0.5')).toMatchObject({
      ok: true,
      key: 'kl.freeBits',
      swaps: [['kl.freeBits=0'], ['kl.freeBits=0.5']],
    });
  });
  test.each([
    ['beta=4', undefined, /at least two values of beta \(got 1\)/],
    ['1,2', undefined, /a sweep looks like KEY=V1,V2/],
    ['beta=1,2,3,4,5,6,7,8,9', undefined, /at most 8 runs side by side \(got 9 values\)/],
    ['  ', 'beta', /at least two values of beta \(got 0\)/],
  ])('%s is refused clearly', (text, key, message) => {
    const r = parseSweep(text, key);
    expect(!r.ok && r.message).toMatch(message);
  });
});

describe('swap values', () => {
  const vae = loadGraph('vae');
  test('lists of numbers, booleans and text', () => {
    const a = swapGraph(vae, specRegistry, 'encoder.hidden=[256, 128]');
    expect(a.ok && a.doc.nodes.find((n) => n.id === 'encoder')?.params.hidden).toEqual([256, 128]);
    const b = swapGraph(vae, specRegistry, 'recon.learnSigma=true');
    expect(b.ok && b.doc.nodes.find((n) => n.id === 'recon')?.params.learnSigma).toBe(true);
    const c = swapGraph(vae, specRegistry, 'encoder.hidden=[256,');
    expect(!c.ok && c.message).toMatch(/'\[256,' is not a valid hidden/);
  });
});
