/**
 * The memory budget training may use in this browser (kept in localStorage)
 * and the WebGPU adapter's buffer limits, read once: what the estimate of
 * every graph is checked against before anything is allocated.
 */
import { reactive } from 'vue';
import { z } from 'zod';
import { DEFAULT_BUDGET_BYTES, limitsFor, type GpuBufferLimits, type MeasuredSpeed, type MemoryLimits } from '../core/memoryBudget';

const STORAGE_KEY = 'bottleneck:memory-budget-mb';
export const MIN_BUDGET_MB = 64;
export const MAX_BUDGET_MB = 65_536;

function storedBudgetMb(): number {
  try {
    const v = Number(globalThis.localStorage?.getItem(STORAGE_KEY));
    if (Number.isInteger(v) && v >= MIN_BUDGET_MB && v <= MAX_BUDGET_MB) return v;
  } catch {
    // storage can be unavailable (private mode); the default applies
  }
  return Math.round(DEFAULT_BUDGET_BYTES / 1e6);
}

const SPEED_KEY = 'bottleneck:last-speed';
const zSpeed = z.strictObject({
  macsPerImage: z.number().positive(),
  samplesPerSecond: z.number().positive(),
  backend: z.string().max(16),
});

function storedSpeed(): MeasuredSpeed | undefined {
  try {
    const parsed = zSpeed.safeParse(JSON.parse(globalThis.localStorage?.getItem(SPEED_KEY) ?? 'null'));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export const memorySettings = reactive<{ budgetMb: number; gpu: GpuBufferLimits | undefined; lastSpeed: MeasuredSpeed | undefined }>({
  budgetMb: storedBudgetMb(),
  gpu: undefined,
  /** The speed the last run trained at, for the time estimate of the next graph. */
  lastSpeed: storedSpeed(),
});

/** Remembers the speed a run trained at (finished or stopped runs: a full measure, not the first steps). */
export function rememberSpeed(speed: MeasuredSpeed): void {
  if (!(speed.samplesPerSecond > 0) || !(speed.macsPerImage > 0)) return;
  memorySettings.lastSpeed = speed;
  try {
    globalThis.localStorage?.setItem(SPEED_KEY, JSON.stringify(speed));
  } catch {
    // kept for this session only
  }
}

/** Sets the budget (clamped to sane bounds) and remembers it. */
export function setBudgetMb(mb: number): void {
  if (!Number.isFinite(mb)) return;
  memorySettings.budgetMb = Math.min(MAX_BUDGET_MB, Math.max(MIN_BUDGET_MB, Math.round(mb)));
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, String(memorySettings.budgetMb));
  } catch {
    // not remembered; it still applies now
  }
}

/** The limits for a backend choice ('auto' is checked against the budget; the worker checks the backend it picks). */
export function memoryLimits(backend: string): MemoryLimits {
  return limitsFor(backend, memorySettings.budgetMb * 1e6, memorySettings.gpu);
}

interface AdapterLike {
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
}
interface GpuLike {
  requestAdapter(): Promise<AdapterLike | null>;
}

/** Reads the WebGPU adapter's buffer limits once, where there is WebGPU (no device is created). */
export async function readGpuLimits(): Promise<void> {
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu || memorySettings.gpu) return;
  try {
    const adapter = await gpu.requestAdapter();
    if (adapter) {
      memorySettings.gpu = {
        maxBufferSize: adapter.limits.maxBufferSize,
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      };
    }
  } catch {
    // no adapter: WebGPU will not be chosen anyway
  }
}
