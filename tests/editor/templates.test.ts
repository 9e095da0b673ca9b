// Templates: read by the graph parser, inserted with fresh ids, and wired into the selection where the socket kinds fit.
import { describe, expect, test } from 'vitest';
import { specRegistry } from '../../nodes';
import { analyzeGraph } from '../../src/core/analyze';
import { applyChange, applyChanges, placeFragment, type GraphChange } from '../../src/core/changes';
import type { GraphDoc } from '../../src/core/schema';
import { graphTemplates, readTemplates, templateById, templateWiring } from '../../src/editor/templates';
import { galleryGraph } from '../../src/graphs';

/** The VAE without its sampler and KL. */
function withoutBottleneck(): GraphDoc {
  return applyChange(galleryGraph('vae'), { type: 'removeNodes', ids: ['reparam', 'kl'] });
}

function insert(doc: GraphDoc, id: string, selected: string[]): { doc: GraphDoc; wires: GraphChange[]; newIds: string[] } {
  const template = templateById(id);
  if (!template) throw new Error(`no template ${id}`);
  const placed = placeFragment(doc, template.fragment);
  const add: GraphChange = { type: 'addFragment', fragment: placed };
  const newIds = placed.nodes.map((n) => n.id);
  const wires = templateWiring(applyChange(doc, add), specRegistry, newIds, selected);
  return { doc: applyChanges(doc, [add, ...wires]), wires, newIds };
}

describe('templates', () => {
  test('there are the bottleneck, the conv pair and the β-weighted KL, all valid fragments', () => {
    expect(graphTemplates.map((t) => t.id)).toEqual(['vae-bottleneck', 'conv-pair', 'beta-kl']);
    expect(templateById('vae-bottleneck')?.fragment.groups?.[0]).toMatchObject({ name: 'VAE bottleneck', collapsed: true });
    expect(() => readTemplates([{ id: 'bad', graph: { format: 'bottleneck-graph', version: 1 } }], specRegistry)).toThrow(
      /template 'bad' is invalid/,
    );
  });

  test('the bottleneck inserted with the Encoder selected reads its μ and log σ²', () => {
    const r = insert(withoutBottleneck(), 'vae-bottleneck', ['encoder']);
    expect(r.newIds).toEqual(['reparam', 'kl']);
    const wired = r.doc.edges
      .filter((e) => r.newIds.includes(e.to.node))
      .map((e) => `${e.from.node}.${e.from.port}→${e.to.node}.${e.to.port}`);
    expect(wired.sort()).toEqual([
      'encoder.logVar→kl.logVar',
      'encoder.logVar→reparam.logVar',
      'encoder.mean→kl.mean',
      'encoder.mean→reparam.mean',
    ]);
    expect(r.doc.groups?.[0]?.members).toEqual(['reparam', 'kl']);
    // with the decoder and the loss selected too, z feeds the decoder and the KL the loss: a whole VAE again
    const open = applyChange(withoutBottleneck(), {
      type: 'disconnect',
      edgeIds: withoutBottleneck()
        .edges.filter((e) => e.to.node === 'decoder')
        .map((e) => e.id),
    });
    const whole = insert(open, 'vae-bottleneck', ['encoder', 'decoder', 'loss']);
    expect(whole.wires.length).toBe(6);
    expect(analyzeGraph(whole.doc, specRegistry).ok).toBe(true);
  });

  test('inserted twice: fresh ids for the nodes and the group', () => {
    const once = insert(galleryGraph('vae'), 'vae-bottleneck', []);
    expect(once.newIds).toEqual(['reparam2', 'kl2']);
    expect(once.wires).toEqual([]);
    const twice = insert(once.doc, 'vae-bottleneck', []);
    expect(twice.doc.groups?.map((g) => g.id)).toEqual(['bottleneck', 'bottleneck2']);
  });

  test('the β-weighted KL joins the encoder and the loss; the conv pair reads the dataset', () => {
    const doc = applyChange(galleryGraph('vae'), { type: 'removeNodes', ids: ['kl'] });
    const beta = insert(doc, 'beta-kl', ['encoder', 'loss']);
    const into = (node: string) => beta.doc.edges.filter((e) => e.to.node === node).map((e) => e.from.node);
    expect(into('kl')).toEqual(['encoder', 'encoder']);
    expect(into('loss')).toContain('beta');
    expect(analyzeGraph(beta.doc, specRegistry).ok).toBe(true);
    const pair = insert(applyChange(galleryGraph('vae'), { type: 'removeNodes', ids: ['encoder', 'decoder'] }), 'conv-pair', ['data']);
    expect(pair.wires).toEqual([expect.objectContaining({ from: { node: 'data', port: 'x' }, to: { node: 'encoder', port: 'x' } })]);
  });
});
