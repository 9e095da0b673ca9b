/** What a lesson is made of: steps with their checks, and the facts those checks read. */
import type { GraphDoc } from '../core/schema';
import type { LessonId } from './lessonIds';

/** What a lesson's checks can see. */
export interface LessonFacts {
  doc: GraphDoc;
  /** The open graph has no errors (it could train). */
  graphOk: boolean;
  /** The latest run: the graph it trains and how many steps it has taken. */
  run: { doc: GraphDoc; steps: number } | undefined;
  /** The latest step traced through the anatomy view (of the latest run). */
  anatomy: { variational: boolean } | undefined;
  /** Disentanglement scores of the runs scored during this lesson, with their β. */
  scored: ReadonlyArray<{ beta: number; mig: number }>;
  /** The latest attribute vector applied in each run: by which factor (undefined: by label), to which kind of image, with which α. */
  vectors: ReadonlyArray<AppliedVector>;
  /** The latest moon interpolation of each run: whether that run samples z (a VAE). */
  moons: ReadonlyArray<{ variational: boolean }>;
}

export interface AppliedVector {
  /** The run samples z (a VAE). */
  variational: boolean;
  factor: string | undefined;
  /** The group of the image the vector was added to: the group it points to, the one it points from, or neither. */
  imageGroup: 'to' | 'from' | 'neither';
  /** The strength chosen on the slider. */
  alpha: number;
}

export interface StepCheck {
  done: boolean;
  /** What is still missing, in plain words (shown while the step is not done). */
  waiting: string;
}

export interface LessonStep {
  title: string;
  /** Paragraphs of plain text (shown as text, never as HTML). */
  text: string[];
  /** Node types the step is about (highlighted on the canvas). */
  focus: string[];
  /** A group (by name or id) the step shows opened, when the graph has it collapsed. */
  openGroup?: string;
  /** A step to read, with nothing to do: it counts as done once the learner has moved past it. */
  readOnly?: boolean;
  check(facts: LessonFacts): StepCheck;
}

export interface Lesson {
  id: LessonId;
  title: string;
  summary: string;
  /** The saved graph (graphs/<id>.json) the lesson opens. */
  graph: string;
  steps: LessonStep[];
}
