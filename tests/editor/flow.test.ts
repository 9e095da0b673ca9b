/** Reading a graph along its flow, and counting crossed wires. */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { countCrossings, flowLayers, flowOrder, wiresCross } from '../../src/editor/flow';

const node = (id: string, x = 0, y = 0) => ({ id, position: { x, y } });
const edge = (a: string, b: string) => ({ from: { node: a }, to: { node: b } });

describe('flow', () => {
  test('layers are the longest path of wires into a node', () => {
    const layers = flowLayers(
      [node('d'), node('e'), node('r'), node('k'), node('l')],
      [edge('d', 'e'), edge('e', 'r'), edge('e', 'k'), edge('r', 'l'), edge('k', 'l'), edge('d', 'l')],
    );
    expect(Object.fromEntries(layers)).toEqual({ d: 0, e: 1, r: 2, k: 2, l: 3 });
  });

  test('a cycle does not loop forever', () => {
    const layers = flowLayers([node('a'), node('b')], [edge('a', 'b'), edge('b', 'a')]);
    expect(layers.size).toBe(2);
  });

  test('the VAE is read from the data to the objective', () => {
    const doc = JSON.parse(readFileSync('graphs/vae.json', 'utf8')) as {
      nodes: Array<{ id: string; type: string; position: { x: number; y: number } }>;
      edges: Array<{ from: { node: string }; to: { node: string } }>;
    };
    const order = flowOrder(doc.nodes, doc.edges);
    const type = (id: string | undefined) => doc.nodes.find((n) => n.id === id)?.type;
    expect(type(order[0])).toBe('Dataset');
    expect(type(order[1])).toBe('Encoder');
    expect(type(order.at(-1))).toBe('Loss');
    expect(new Set(order).size).toBe(doc.nodes.length);
  });
});

describe('crossings', () => {
  test('an X crosses; parallel wires and wires sharing a socket do not', () => {
    const p = (x: number, y: number) => ({ x, y });
    expect(wiresCross([p(0, 0), p(10, 10)], [p(0, 10), p(10, 0)])).toBe(true);
    expect(wiresCross([p(0, 0), p(10, 0)], [p(0, 5), p(10, 5)])).toBe(false);
    expect(wiresCross([p(0, 0), p(10, 10)], [p(0, 0), p(10, -10)])).toBe(false);
    expect(
      countCrossings([
        [p(0, 0), p(10, 10)],
        [p(0, 10), p(10, 0)],
        [p(0, 4), p(5, 6), p(10, 4)],
      ]),
    ).toBe(3);
  });
});
