/** "Auto" chooses by measuring: software GPUs give way, trial steps decide, every reason is kept. */
import { describe, expect, test } from 'vitest';
import { chooseBackend } from '../../src/runtime/worker/backendChoice';
import { backendOrder, type BackendDetail, type BackendName, type ProbeResult } from '../../src/runtime/backends';

function machine(started: Partial<Record<BackendName, BackendDetail | true>>, speeds: Partial<Record<BackendName, number>> = {}) {
  const probed: BackendName[] = [];
  const measured: BackendName[] = [];
  let active: BackendName | undefined;
  return {
    probed,
    measured,
    active: () => active,
    probe: async (name: BackendName): Promise<ProbeResult> => {
      probed.push(name);
      const s = started[name];
      if (s === undefined) return { ok: false, reason: `no ${name} here` };
      active = name;
      return s === true ? { ok: true } : { ok: true, detail: s };
    },
    measure: async (name: BackendName): Promise<number> => {
      measured.push(name);
      if (active !== name) throw new Error(`measured ${name} while ${active} was active`);
      const v = speeds[name];
      if (v === undefined) throw new Error('out of memory');
      return v;
    },
  };
}

describe('chooseBackend', () => {
  test('a software WebGPU and WebGL give way to WebAssembly, without a trial', async () => {
    const m = machine({
      webgpu: { device: 'SwiftShader Device (Subzero)', software: true },
      webgl: { device: 'ANGLE (SwiftShader)', software: true },
      wasm: { threads: 2 },
      cpu: true,
    });
    const s = await chooseBackend(backendOrder('auto'), m.probe, m.measure);
    expect(s.backend).toBe('wasm');
    expect(m.active()).toBe('wasm');
    expect(m.measured).toEqual([]);
    expect(m.probed).not.toContain('cpu');
    expect(s.note).toBe(
      'WebGPU not used: a software adapter (SwiftShader Device (Subzero)), slower than the CPU backends; ' +
        'WebGL not used: a software adapter (ANGLE (SwiftShader)), slower than the CPU backends — training on WebAssembly (2 threads)',
    );
  });

  test('a real GPU and WebAssembly: trial steps of the graph decide, both ways', async () => {
    const gpu = machine({ webgpu: { device: 'NVIDIA H200' }, wasm: { threads: 16 } }, { webgpu: 40_000, wasm: 3_000 });
    const fast = await chooseBackend(backendOrder('auto'), gpu.probe, gpu.measure);
    expect(fast.backend).toBe('webgpu');
    expect(gpu.active()).toBe('webgpu');
    expect(gpu.measured).toEqual(['webgpu', 'wasm']);
    expect(fast.note).toBe(
      'WebGL unavailable: no webgl here; WebAssembly not used: 3,000 samples/s on this graph, against 40,000 samples/s for WebGPU — training on WebGPU (NVIDIA H200, 40,000 samples/s in a trial)',
    );

    const weak = machine({ webgpu: { device: 'Intel UHD' }, wasm: { threads: 4 } }, { webgpu: 900, wasm: 3_100 });
    const s = await chooseBackend(backendOrder('auto'), weak.probe, weak.measure);
    expect(s.backend).toBe('wasm');
    expect(weak.active()).toBe('wasm');
    expect(s.attempts.find((a) => a.backend === 'webgpu')).toMatchObject({ ok: false, skipped: true, detail: { samplesPerSecond: 900 } });
  });

  test('a trial that fails rules that backend out; only the cpu backend left is used as a last resort', async () => {
    const m = machine({ webgl: { device: 'Mali' }, wasm: true }, { wasm: 2_000 });
    const s = await chooseBackend(backendOrder('auto'), m.probe, m.measure);
    expect(s.backend).toBe('wasm');
    expect(s.attempts.find((a) => a.backend === 'webgl')?.reason).toBe('a trial step failed (out of memory)');

    const bare = machine({ cpu: true });
    const c = await chooseBackend(backendOrder('auto'), bare.probe, bare.measure);
    expect(c.backend).toBe('cpu');
    expect(bare.measured).toEqual([]);
    expect(c.note).toMatch(
      /^WebGPU unavailable: no webgpu here; WebGL unavailable: no webgl here; WebAssembly unavailable: no wasm here — training on CPU/,
    );
  });

  test('nothing starts: no backend, every reason', async () => {
    const m = machine({});
    const s = await chooseBackend(['webgpu', 'wasm'], m.probe, m.measure);
    expect(s.backend).toBeUndefined();
    expect(s.note).toBe('No backend could start. WebGPU unavailable: no webgpu here; WebAssembly unavailable: no wasm here');
  });
});
