/**
 * Small per-browser settings in localStorage: which graph was open and how
 * each graph was viewed. Everything read back is validated; a bad or missing
 * value simply falls back to the default.
 */
import { z } from 'zod';

const SESSION_KEY = 'bottleneck.session';
const VIEW_PREFIX = 'bottleneck.view.';

const zSession = z.object({ graphId: z.string().min(1).max(200) });
export const zView = z.object({ x: z.number().finite(), y: z.number().finite(), k: z.number().positive().max(10) });
export type View = z.infer<typeof zView>;

function readJson<T>(key: string, schema: z.ZodType<T>): T | undefined {
  try {
    const text = localStorage.getItem(key);
    if (text === null) return undefined;
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function writeJson(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // storage full or blocked: the session simply is not remembered
  }
}

export function readLastGraphId(): string | undefined {
  return readJson(SESSION_KEY, zSession)?.graphId;
}

export function writeLastGraphId(graphId: string): void {
  writeJson(SESSION_KEY, { graphId });
}

export function readView(graphId: string): View | undefined {
  return readJson(VIEW_PREFIX + graphId, zView);
}

export function writeView(graphId: string, view: View): void {
  writeJson(VIEW_PREFIX + graphId, { x: Math.round(view.x), y: Math.round(view.y), k: Math.round(view.k * 1000) / 1000 });
}

export function forgetView(graphId: string): void {
  try {
    localStorage.removeItem(VIEW_PREFIX + graphId);
  } catch {
    // nothing to forget
  }
}
