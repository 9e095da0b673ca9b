import { describe, expect, test } from 'vitest';
import { backendOrder, describeSelection, fallbackOrder, selectBackend, type BackendName } from '../../src/runtime/backends';

describe('backend order', () => {
  test.each([
    ['auto', [], ['webgpu', 'webgl', 'wasm', 'cpu']],
    ['webgpu', [], ['webgpu', 'webgl', 'wasm', 'cpu']],
    ['webgl', [], ['webgl', 'wasm', 'cpu']],
    ['wasm', [], ['wasm', 'cpu']],
    ['cpu', [], ['cpu']],
    ['auto', ['webgpu'], ['webgl', 'wasm', 'cpu']],
    ['auto', ['webgpu', 'wasm'], ['webgl', 'cpu']],
  ] as const)('%s without %j → %j', (choice, exclude, expected) => {
    expect(backendOrder(choice, exclude)).toEqual(expected);
  });

  test.each([
    ['webgpu', [], ['webgl', 'wasm', 'cpu']],
    ['webgl', [], ['wasm', 'cpu']],
    ['wasm', [], ['cpu']],
    ['cpu', [], []],
    ['webgpu', ['webgl'], ['wasm', 'cpu']],
  ] as const)('after %s fails (excluding %j): %j', (from, exclude, expected) => {
    expect(fallbackOrder(from, exclude)).toEqual(expected);
  });
});

describe('selectBackend', () => {
  const probeWith =
    (works: BackendName[], tried: BackendName[] = []) =>
    async (name: BackendName) => {
      tried.push(name);
      if (name === 'webgl') throw new Error('context creation failed');
      return works.includes(name) ? ({ ok: true } as const) : ({ ok: false, reason: `no ${name} here` } as const);
    };

  test('takes the first that starts and stops trying', async () => {
    const tried: BackendName[] = [];
    const s = await selectBackend(backendOrder('auto'), probeWith(['wasm', 'cpu'], tried));
    expect(s.backend).toBe('wasm');
    expect(tried).toEqual(['webgpu', 'webgl', 'wasm']);
    expect(s.attempts).toEqual([
      { backend: 'webgpu', ok: false, reason: 'no webgpu here' },
      { backend: 'webgl', ok: false, reason: 'context creation failed' },
      { backend: 'wasm', ok: true },
    ]);
    expect(s.note).toBe('WebGPU unavailable: no webgpu here; WebGL unavailable: context creation failed — training on WebAssembly');
  });

  test('the first choice working needs no excuse', async () => {
    const s = await selectBackend(['webgpu', 'cpu'], probeWith(['webgpu']));
    expect(s).toEqual({ backend: 'webgpu', attempts: [{ backend: 'webgpu', ok: true }], note: 'Training on WebGPU' });
  });

  test('nothing works: no backend, every reason listed', async () => {
    const s = await selectBackend(['webgpu', 'wasm'], probeWith([]));
    expect(s.backend).toBeUndefined();
    expect(s.note).toBe('No backend could start. WebGPU unavailable: no webgpu here; WebAssembly unavailable: no wasm here');
  });

  test('describeSelection words the brief example', () => {
    expect(
      describeSelection(
        [
          { backend: 'webgpu', ok: false, reason: 'no adapter (navigator.gpu missing)' },
          { backend: 'webgl', ok: true },
        ],
        'webgl',
      ),
    ).toBe('WebGPU unavailable: no adapter (navigator.gpu missing) — training on WebGL');
  });
});
