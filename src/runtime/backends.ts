/**
 * Which tfjs backend trains: webgpu → webgl → wasm → cpu, the first that
 * starts. Every attempt that fails keeps its reason, so the dashboard can say
 * plainly why training runs where it runs ("WebGPU unavailable: no adapter —
 * training on WebGL").
 *
 * The ordering and the wording are pure; probing a backend is injected, so the
 * same logic runs in the worker (real probes) and in unit tests.
 */
import { z } from 'zod';

export const backendNames = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof backendNames)[number];
export const zBackendName = z.enum(backendNames);

/** What the user asks for: the fastest that works, or one backend (then the slower ones after it). */
export const backendChoices = ['auto', ...backendNames] as const;
export type BackendChoice = (typeof backendChoices)[number];
export const zBackendChoice = z.enum(backendChoices);

export const backendTitles: Record<BackendName, string> = {
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'WebAssembly',
  cpu: 'CPU (JavaScript)',
};

/** What a started backend is, as far as choosing it goes. */
export interface BackendDetail {
  /** WebAssembly: the threads it computes on (more with cross-origin isolation). */
  threads?: number;
  /** GPU backends: the adapter or renderer. */
  device?: string;
  /** A software GPU (SwiftShader, llvmpipe): it works, but slower than the CPU backends. */
  software?: boolean;
  /** Measured on the actual graph while choosing. */
  samplesPerSecond?: number;
}

export interface BackendAttempt {
  backend: BackendName;
  ok: boolean;
  /** Why it could not be used (absent when ok). */
  reason?: string;
  /** It started, but another was chosen over it (the reason says why). */
  skipped?: boolean;
  detail?: BackendDetail;
}

export type ProbeResult = { ok: true; detail?: BackendDetail } | { ok: false; reason: string };

/** Tries to make `name` the active backend; never throws. */
export type BackendProbe = (name: BackendName) => Promise<ProbeResult>;

export interface BackendSelection {
  backend: BackendName | undefined;
  attempts: BackendAttempt[];
  /** One sentence for the user. */
  note: string;
}

/**
 * The backends to try, in order. `auto` tries all, fastest first; a specific
 * choice starts there and falls back only to the slower ones after it.
 * Backends in `exclude` (e.g. a GPU whose device was lost) are skipped.
 */
export function backendOrder(choice: BackendChoice = 'auto', exclude: ReadonlyArray<BackendName> = []): BackendName[] {
  const start = choice === 'auto' ? 0 : backendNames.indexOf(choice);
  return backendNames.slice(start).filter((b) => !exclude.includes(b));
}

/** The backends after `from` in the fallback chain (used when `from` fails mid-run). */
export function fallbackOrder(from: BackendName, exclude: ReadonlyArray<BackendName> = []): BackendName[] {
  return backendNames.slice(backendNames.indexOf(from) + 1).filter((b) => !exclude.includes(b));
}

/** Tries each backend in order and stops at the first that starts. */
export async function selectBackend(order: ReadonlyArray<BackendName>, probe: BackendProbe): Promise<BackendSelection> {
  const attempts: BackendAttempt[] = [];
  for (const backend of order) {
    let result: ProbeResult;
    try {
      result = await probe(backend);
    } catch (e) {
      result = { ok: false, reason: e instanceof Error ? e.message : String(e) };
    }
    if (result.ok) {
      attempts.push({ backend, ok: true, ...(result.detail ? { detail: result.detail } : {}) });
      return { backend, attempts, note: describeSelection(attempts, backend) };
    }
    attempts.push({ backend, ok: false, reason: result.reason });
  }
  return { backend: undefined, attempts, note: describeSelection(attempts, undefined) };
}

/** "2 threads", "NVIDIA H200", "3,400 samples/s": what is worth saying about the chosen backend. */
function describeDetail(d: BackendDetail | undefined): string {
  if (!d) return '';
  const parts: string[] = [];
  if (d.device) parts.push(d.device);
  if (d.threads !== undefined) parts.push(`${d.threads} thread${d.threads === 1 ? '' : 's'}`);
  if (d.samplesPerSecond !== undefined) parts.push(`${Math.round(d.samplesPerSecond).toLocaleString('en-US')} samples/s in a trial`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** "WebGPU unavailable: no adapter — training on WebGL", or "Training on WebGPU". */
export function describeSelection(attempts: ReadonlyArray<BackendAttempt>, chosen: BackendName | undefined): string {
  const failed = attempts.filter((a) => !a.ok);
  const why = failed
    .map((a) => `${backendTitles[a.backend]} ${a.skipped ? 'not used' : 'unavailable'}: ${a.reason ?? 'unknown reason'}`)
    .join('; ');
  if (!chosen) return `No backend could start. ${why}`;
  const on = `training on ${backendTitles[chosen]}${describeDetail(attempts.find((a) => a.ok && a.backend === chosen)?.detail)}`;
  return why ? `${why} — ${on}` : `${on[0]?.toUpperCase()}${on.slice(1)}`;
}
