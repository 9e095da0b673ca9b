/**
 * What the editor says after a graph was imported: where it came from, what a
 * picture's run set up (seed, data, optimizer), and what a share link's
 * workshop options do. Plain text (it quotes the graph's name): show it as
 * text, never as HTML.
 */
import type { GraphDoc } from '../core/schema';
import type { ImportSource } from './importAny';
import { lessonById } from '../workshop/lessons';
import type { LinkOptions } from './link';
import type { RunInfo } from './pngEmbed';

export interface ImportFacts {
  doc: GraphDoc;
  source: ImportSource;
  /** The file's name, when it came from a file. */
  fileName?: string;
  run?: RunInfo;
  link?: LinkOptions;
  /** How many controls the link hides on this graph's nodes. */
  hiddenControls?: number;
}

const datasetTitles: Record<RunInfo['dataset'], string> = {
  mnist: 'MNIST',
  'fashion-mnist': 'Fashion-MNIST',
  shapes: 'shapes',
  faces: 'faces',
  'shapes-colour': 'coloured shapes',
  imported: 'your own images',
};
const optimizerTitles: Record<RunInfo['optimizer'], string> = { adam: 'Adam', sgd: 'SGD' };

/** A name short enough for a one-line message, in quotes. */
export function quoteName(name: string, max = 60): string {
  const oneLine = name.replace(/\s+/g, ' ').trim();
  return `“${oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine}”`;
}

/** The run a picture recorded, as the settings it restores: "seed 31, MNIST (static binarization), batch 32, …". */
export function describeRunSettings(run: RunInfo): string {
  const parts = [
    `seed ${run.seed}`,
    `${datasetTitles[run.dataset]}${run.binarize === 'none' ? '' : ` (${run.binarize} binarization)`}`,
    `batch ${run.batchSize}`,
    `${run.epochs} epoch${run.epochs === 1 ? '' : 's'}`,
    `${optimizerTitles[run.optimizer]} at ${run.learningRate}`,
  ];
  const m = run.metrics;
  const score = m ? ` (test ELBO ${m.elbo.toFixed(1).replace('-', '−')} nats after ${run.steps.toLocaleString('en')} steps)` : '';
  return `${parts.join(', ')}${score}`;
}

function origin(facts: ImportFacts): string {
  if (facts.source === 'link') return facts.fileName ? `the share link in ${facts.fileName}` : 'a share link';
  if (facts.fileName) return facts.fileName;
  return facts.source === 'png' ? 'the pasted picture' : 'the pasted graph';
}

/** The message shown after a successful import. */
export function describeImport(facts: ImportFacts): string {
  let text = `Opened ${quoteName(facts.doc.name)} from ${origin(facts)} as a new graph`;
  if (facts.run) text += ` with its run’s settings: ${describeRunSettings(facts.run)}`;
  if (facts.link?.view === 'locked') text += ', in a locked workshop view (it can be trained, not edited)';
  const hidden = facts.hiddenControls ?? 0;
  if (hidden > 0) text += `; the link hides ${hidden} control${hidden === 1 ? '' : 's'}`;
  if (facts.link?.lesson) text += `; it opens lesson “${lessonById(facts.link.lesson).title}” at step ${facts.link.step ?? 1}`;
  return `${text}.`;
}
