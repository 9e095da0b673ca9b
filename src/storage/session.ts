/**
 * Small per-browser settings in localStorage: which graph was open, how each
 * graph was viewed, and the workshop options (locked view, hidden controls) a
 * graph opened from a share link keeps. Everything read back is validated; a
 * bad or missing value simply falls back to the default.
 */
import { z } from 'zod';
import { zLinkOptions, type LinkOptions } from '../share/link';
import { lessonIds, MAX_LESSON_STEPS } from '../workshop/lessonIds';

const SESSION_KEY = 'bottleneck.session';
const VIEW_PREFIX = 'bottleneck.view.';
const WORKSHOP_PREFIX = 'bottleneck.workshop.';

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

/** The workshop options a graph opened from a share link keeps (undefined for an ordinary graph). */
export function readWorkshop(graphId: string): LinkOptions | undefined {
  return readJson(WORKSHOP_PREFIX + graphId, zLinkOptions);
}

/** Remembers a graph's workshop options; default options (editable, nothing hidden, no lesson) are forgotten instead. */
export function writeWorkshop(graphId: string, options: LinkOptions): void {
  if (options.view === 'edit' && options.hide.length === 0 && options.lesson === undefined) forgetWorkshop(graphId);
  else writeJson(WORKSHOP_PREFIX + graphId, options);
}

export function forgetWorkshop(graphId: string): void {
  try {
    localStorage.removeItem(WORKSHOP_PREFIX + graphId);
  } catch {
    // nothing to forget
  }
}

const zStepIndex = z
  .number()
  .int()
  .min(0)
  .max(MAX_LESSON_STEPS - 1);
const zLessonState = z.object({
  lesson: z.enum(lessonIds),
  step: zStepIndex,
  /** Steps whose check has passed once: they stay ticked (a cancelled run or a reload does not undo them). */
  passed: z.array(zStepIndex).max(MAX_LESSON_STEPS).optional(),
});
export type LessonState = z.infer<typeof zLessonState>;
const LESSON_PREFIX = 'bottleneck.lesson.';

/** The guided lesson a graph is in, and its step (0-based); undefined: none. */
export function readLesson(graphId: string): LessonState | undefined {
  return readJson(LESSON_PREFIX + graphId, zLessonState);
}

export function writeLesson(graphId: string, state: LessonState | undefined): void {
  if (state) {
    writeJson(LESSON_PREFIX + graphId, state);
    return;
  }
  try {
    localStorage.removeItem(LESSON_PREFIX + graphId);
  } catch {
    // nothing to forget
  }
}
