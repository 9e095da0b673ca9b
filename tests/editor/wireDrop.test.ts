/** A wire dropped on the canvas offers only the node kinds that can end it, and wires the new node in. */
import { describe, expect, test } from 'vitest';
import { nodeDefs, specRegistry } from '../../nodes';
import { parseGraph } from '../../src/core/parse';
import { looseWire, portForWire, specsForWire, wireConnection } from '../../src/editor/wireDrop';
import { readFileSync } from 'node:fs';

const vae = (() => {
  const parsed = parseGraph(JSON.parse(readFileSync('graphs/vae.json', 'utf8')), specRegistry);
  if (!parsed.ok) throw new Error('graphs/vae.json does not parse');
  return parsed.doc;
})();

describe('wire drop', () => {
  test("a wire from the dataset's images offers the nodes that take images, and goes to their image input", () => {
    const data = vae.nodes.find((n) => n.type === 'Dataset');
    if (!data) throw new Error('no dataset');
    const wire = looseWire(vae, specRegistry, { node: data.id, port: 'x', side: 'output' });
    expect(wire?.kind).toBe('image');
    if (!wire) return;
    const offered = specsForWire(nodeDefs, wire).map((s) => s.type);
    expect(offered).toContain('Encoder');
    expect(offered).toContain('Noise');
    expect(offered).not.toContain('KL');
    const encoder = specRegistry.get('Encoder');
    if (!encoder) throw new Error('no encoder spec');
    const port = portForWire(encoder, wire);
    expect(port).toBe('x');
    expect(wireConnection(wire, 'enc2', port ?? '')).toEqual({ from: { node: data.id, port: 'x' }, to: { node: 'enc2', port: 'x' } });
  });

  test('a wire from an input offers the nodes that give its kind, wired the other way', () => {
    const kl = vae.nodes.find((n) => n.type === 'KL');
    if (!kl) throw new Error('no KL');
    const wire = looseWire(vae, specRegistry, { node: kl.id, port: 'logVar', side: 'input' });
    expect(wire?.kind).toBe('logvar');
    if (!wire) return;
    expect(specsForWire(nodeDefs, wire).map((s) => s.type)).toEqual(['Encoder']);
    expect(wireConnection(wire, 'enc2', 'logVar')).toEqual({ from: { node: 'enc2', port: 'logVar' }, to: { node: kl.id, port: 'logVar' } });
  });

  test('an unknown node or port gives no wire', () => {
    expect(looseWire(vae, specRegistry, { node: 'nope', port: 'x', side: 'output' })).toBeNull();
    expect(looseWire(vae, specRegistry, { node: vae.nodes[0]?.id ?? '', port: 'nope', side: 'output' })).toBeNull();
  });
});
