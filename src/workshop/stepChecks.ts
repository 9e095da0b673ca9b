/** Building blocks of the lessons' step checks: done or what is missing, a trained run, a step only to read. */
import type { GraphDoc } from '../core/schema';
import type { LessonFacts, LessonStep, StepCheck } from './lessonTypes';

export const check = (done: boolean, waiting: string): StepCheck => ({ done, waiting: done ? '' : waiting });

/** A run of at least `steps` steps whose graph passes `ok`. */
export function trained(facts: LessonFacts, ok: (doc: GraphDoc) => boolean, steps: number, what: string): StepCheck {
  const run = facts.run;
  if (!run || !ok(run.doc)) return check(false, `Press ▶ Train to train ${what}.`);
  return check(run.steps >= steps, `Training… ${run.steps} of ${steps} steps.`);
}

export const readStep = (title: string, text: string[], focus: string[] = []): LessonStep => ({
  title,
  text,
  focus,
  readOnly: true,
  check: () => check(true, ''),
});
