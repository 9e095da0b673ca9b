/**
 * "Auto" picks the backend by what it measures, not by its name: every backend
 * that starts is a candidate; a software GPU (SwiftShader, llvmpipe) gives way
 * to the CPU backends, which are several times faster than it; and when more
 * than one candidate remains, a few timed steps of the actual graph on each
 * decide. Probing and measuring are injected, so this runs in the worker and
 * in Node tests alike. Every attempt keeps its reason and its numbers, so the
 * user sees why ("WebGPU: software adapter (SwiftShader) … — training on
 * WebAssembly") and can choose a backend by hand instead.
 */
import {
  backendTitles,
  describeSelection,
  type BackendAttempt,
  type BackendDetail,
  type BackendName,
  type BackendProbe,
  type BackendSelection,
} from '../backends';

/** Samples/s of the actual graph on the active backend (a few timed steps); throws when it cannot train. */
export type MeasureBackend = (name: BackendName) => Promise<number>;

const perSecond = (n: number): string => `${Math.round(n).toLocaleString('en-US')} samples/s`;

async function tryProbe(probe: BackendProbe, backend: BackendName): Promise<BackendAttempt> {
  try {
    const r = await probe(backend);
    return r.ok ? { backend, ok: true, ...(r.detail ? { detail: r.detail } : {}) } : { backend, ok: false, reason: r.reason };
  } catch (e) {
    return { backend, ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Chooses among `order` (fastest-first by kind, cpu last). The pure-JS cpu
 * backend is only tried when nothing else starts. Leaves the chosen backend active.
 */
export async function chooseBackend(
  order: ReadonlyArray<BackendName>,
  probe: BackendProbe,
  measure?: MeasureBackend,
): Promise<BackendSelection> {
  const attempts: BackendAttempt[] = [];
  for (const backend of order.filter((b) => b !== 'cpu')) attempts.push(await tryProbe(probe, backend));
  let started = attempts.filter((a) => a.ok);
  if (started.length === 0 && order.includes('cpu')) {
    const cpu = await tryProbe(probe, 'cpu');
    attempts.push(cpu);
    if (cpu.ok) started = [cpu];
  }
  if (started.length === 0) return { backend: undefined, attempts, note: describeSelection(attempts, undefined) };

  // a software GPU only where nothing better starts
  const hardware = started.filter((a) => !a.detail?.software);
  if (hardware.length > 0) {
    for (const a of started.filter((x) => x.detail?.software)) {
      a.ok = false;
      a.skipped = true;
      a.reason = `a software adapter${a.detail?.device ? ` (${a.detail.device})` : ''}, slower than the CPU backends`;
    }
  }
  let candidates = hardware.length > 0 ? hardware : started;

  if (candidates.length > 1 && measure) {
    for (const a of candidates) {
      try {
        if (!(await probe(a.backend)).ok) throw new Error('it stopped working');
        a.detail = { ...a.detail, samplesPerSecond: Math.round(await measure(a.backend)) };
      } catch (e) {
        a.ok = false;
        a.reason = `a trial step failed (${e instanceof Error ? e.message : String(e)})`;
      }
    }
    candidates = candidates.filter((a) => a.ok);
    if (candidates.length === 0) return { backend: undefined, attempts, note: describeSelection(attempts, undefined) };
    const best = candidates.reduce((a, b) => ((b.detail?.samplesPerSecond ?? 0) > (a.detail?.samplesPerSecond ?? 0) ? b : a));
    for (const a of candidates) {
      if (a === best) continue;
      a.ok = false;
      a.skipped = true;
      a.reason = `${perSecond(a.detail?.samplesPerSecond ?? 0)} on this graph, against ${perSecond(best.detail?.samplesPerSecond ?? 0)} for ${backendTitles[best.backend]}`;
    }
    candidates = [best];
  }
  const chosen = candidates[0] as BackendAttempt;
  // probing (and measuring) the others switched backends: make the chosen one active again
  const again = await tryProbe(probe, chosen.backend);
  if (!again.ok) {
    chosen.ok = false;
    chosen.reason = again.reason ?? 'it stopped working';
    return { backend: undefined, attempts, note: describeSelection(attempts, undefined) };
  }
  const detail: BackendDetail = { ...again.detail, ...chosen.detail };
  chosen.detail = detail;
  // list the chosen backend last, as the one training runs on
  const ordered = [...attempts.filter((a) => a !== chosen), chosen];
  return { backend: chosen.backend, attempts: ordered, note: describeSelection(ordered, chosen.backend) };
}
