/**
 * Workshop options on a graph's nodes: the share dialog's picks become a hide
 * list (whole nodes by id), the list survives a link, and the editor hides
 * exactly the controls it names. Also the message shown after an import.
 */
import { describe, expect, test } from 'vitest';
import type { GraphDoc } from '../../src/core/schema';
import { galleryGraph } from '../../src/graphs';
import { describeImport, describeRunSettings, quoteName } from '../../src/share/describeImport';
import { createShareLink, readShareLink, type LinkOptions } from '../../src/share/link';
import { describeRun, type RunInfo } from '../../src/share/pngEmbed';
import { controlRef, hiddenControls, hideListFor, isDefaultLinkOptions, listNodeControls } from '../../src/share/workshop';

const vae = (): GraphDoc => galleryGraph('vae');
const opts = (hide: string[], view: LinkOptions['view'] = 'edit'): LinkOptions => ({ view, hide });

describe('hide lists', () => {
  test('lists the controls each node shows, by its label or kind title', () => {
    const doc = vae();
    const listed = listNodeControls(doc);
    expect(listed.map((n) => n.nodeId)).toEqual(['data', 'encoder', 'decoder', 'recon', 'kl', 'loss']);
    // conv-only controls are not shown on an MLP encoder
    expect(listed.find((n) => n.nodeId === 'encoder')?.controls.map((c) => c.key)).toEqual([
      'architecture',
      'hidden',
      'activation',
      'latentDim',
    ]);
    const labelled = { ...doc, nodes: doc.nodes.map((n) => (n.id === 'kl' ? { ...n, label: 'Prior term' } : n)) };
    expect(listNodeControls(labelled).find((n) => n.nodeId === 'kl')?.title).toBe('Prior term');
  });

  test('every control of a node picked: the node id; some: node.key each; none: nothing', () => {
    const doc = vae();
    const picked = new Set([controlRef('encoder', 'latentDim'), controlRef('encoder', 'hidden'), controlRef('recon', 'distribution')]);
    expect(hideListFor(doc, picked)).toEqual(['encoder.hidden', 'encoder.latentDim', 'recon']);
    expect(hideListFor(doc, new Set())).toEqual([]);
    // picks of controls that are not on the graph are ignored
    expect(hideListFor(doc, new Set(['ghost.beta', 'encoder.kernelSize']))).toEqual([]);
  });

  test('the controls a hide list hides, read back for the dialog', () => {
    const doc = vae();
    expect([...hiddenControls(doc, opts(['encoder.latentDim', 'recon']))].sort()).toEqual(['encoder.latentDim', 'recon.distribution']);
    // a param key hides it on every node that has it
    expect([...hiddenControls(doc, opts(['activation']))].sort()).toEqual(['decoder.activation', 'encoder.activation']);
    expect(hiddenControls(doc, opts([])).size).toBe(0);
  });

  test('picks → link → hidden controls is the identity', () => {
    const doc = vae();
    const picked = new Set([
      'data.batchSize',
      'encoder.architecture',
      'encoder.hidden',
      'encoder.activation',
      'encoder.latentDim',
      'kl.freeBits',
    ]);
    const link = createShareLink(doc, 'http://localhost/', { view: 'locked', hide: hideListFor(doc, picked) });
    if (!link.ok) throw new Error('no link');
    const read = readShareLink(link.url);
    if (!read.ok) throw new Error('unreadable link');
    expect(read.options).toEqual({ view: 'locked', hide: ['data.batchSize', 'encoder', 'kl'] });
    expect(hiddenControls(read.doc, read.options)).toEqual(picked);
  });

  test('default options are the editable view with nothing hidden', () => {
    expect(isDefaultLinkOptions(opts([]))).toBe(true);
    expect(isDefaultLinkOptions(opts([], 'locked'))).toBe(false);
    expect(isDefaultLinkOptions(opts(['kl']))).toBe(false);
  });
});

describe('import messages', () => {
  test('a picture: where it came from and the run settings it restores', () => {
    const doc = vae();
    const run: RunInfo = {
      ...describeRun(doc, { steps: 1234, final: { elbo: -98.25, recon: 70, kl: 28.25 } }),
      seed: 31,
      dataset: 'fashion-mnist',
      binarize: 'dynamic',
      batchSize: 64,
      optimizer: 'sgd',
      learningRate: 0.01,
      epochs: 1,
    };
    expect(describeRunSettings(run)).toBe(
      'seed 31, Fashion-MNIST (dynamic binarization), batch 64, 1 epoch, SGD at 0.01 (test ELBO −98.3 nats after 1,234 steps)',
    );
    expect(describeRunSettings({ ...run, binarize: 'none', metrics: undefined })).toBe(
      'seed 31, Fashion-MNIST, batch 64, 1 epoch, SGD at 0.01',
    );
    expect(describeImport({ doc, source: 'png', fileName: 'samples.png', run })).toBe(
      `Opened “VAE (MLP, Bernoulli)” from samples.png as a new graph with its run’s settings: ${describeRunSettings(run)}.`,
    );
  });

  test('links, pasted graphs and files', () => {
    const doc = vae();
    expect(describeImport({ doc, source: 'link', link: opts(['kl'], 'locked'), hiddenControls: 1 })).toBe(
      'Opened “VAE (MLP, Bernoulli)” from a share link as a new graph, in a locked workshop view (it can be trained, not edited); the link hides 1 control.',
    );
    expect(describeImport({ doc, source: 'json' })).toBe('Opened “VAE (MLP, Bernoulli)” from the pasted graph as a new graph.');
    expect(describeImport({ doc, source: 'json', fileName: 'mine.json' })).toBe(
      'Opened “VAE (MLP, Bernoulli)” from mine.json as a new graph.',
    );
  });

  test('names are put on one line and shortened', () => {
    expect(quoteName('a\n  b')).toBe('“a b”');
    expect(quoteName('x'.repeat(100), 10)).toBe(`“${'x'.repeat(9)}…”`);
  });
});
