/**
 * Guided lessons for workshops: AE → VAE → β-VAE → a glasses vector. Each lesson opens one of the
 * saved graphs and walks through short steps; a step's check reads plain facts
 * (the open graph, the latest run, the latest traced step, the scores) and
 * says whether the step is done or what is still missing. Pure: the lesson
 * store gathers the facts, the lesson card shows the result.
 */
import { specRegistry } from '../../nodes';
import { datasetOf, isVariational as isVariationalGraph, latentSizeOf, weightTerms, wiredByRole, type RoleEnd } from '../core/graphQueries';
import type { GraphDoc } from '../core/schema';
import { glassesLesson } from './glassesLesson';
import type { LessonId } from './lessonIds';
import { moonSteps } from './moonSteps';
import type { Lesson, LessonFacts, StepCheck } from './lessonTypes';
import { check, readStep, trained } from './stepChecks';

export type { AppliedVector, Lesson, LessonFacts, LessonStep, StepCheck } from './lessonTypes';

/** Steps a short training run needs before the pictures mean something (a few seconds on any backend). */
export const LESSON_TRAIN_STEPS = 50;

// ---- facts about graphs (asked in terms of what the nodes are: src/core/graphQueries.ts) ----

const wired = (doc: GraphDoc, from: RoleEnd, to: RoleEnd): boolean => wiredByRole(doc, specRegistry, from, to);

/** A sampler fed by the encoder's μ and log σ², feeding the decoder's z. */
export function hasReparameterization(doc: GraphDoc): boolean {
  return (
    wired(doc, { role: 'posterior', port: 'mean' }, { role: 'sampler', port: 'mean' }) &&
    wired(doc, { role: 'posterior', port: 'logVar' }, { role: 'sampler', port: 'logVar' }) &&
    wired(doc, { role: 'sampler', port: 'sample' }, { role: 'generator', port: 'code' })
  );
}

/** A KL term fed by the encoder's μ and log σ², whose value reaches the Loss (directly or through a β weight). */
export function hasKlTerm(doc: GraphDoc): boolean {
  const klToLoss = wired(doc, { role: 'divergence', port: 'value' }, { role: 'objective', port: 'terms' });
  const throughBeta =
    wired(doc, { role: 'divergence', port: 'value' }, { role: 'weight', port: 'term' }) &&
    wired(doc, { role: 'weight', port: 'value' }, { role: 'objective', port: 'terms' });
  return (
    wired(doc, { role: 'posterior', port: 'mean' }, { role: 'divergence', port: 'mean' }) &&
    wired(doc, { role: 'posterior', port: 'logVar' }, { role: 'divergence', port: 'logVar' }) &&
    (klToLoss || throughBeta)
  );
}

export const isVariational = (doc: GraphDoc): boolean => hasReparameterization(doc) && hasKlTerm(doc);

/** The encoder's latent size, if the graph has one encoder. */
export const latentSize = (doc: GraphDoc): number | undefined => latentSizeOf(doc.nodes, specRegistry);

/** β of the first β weight (1 without one: a plain VAE). */
export const betaOf = (doc: GraphDoc): number => weightTerms(doc.nodes, specRegistry)[0]?.value ?? 1;

const datasetIdOf = (doc: GraphDoc): string | undefined => datasetOf(doc.nodes, specRegistry)?.dataset;

const isAutoencoder = (doc: GraphDoc): boolean => !isVariationalGraph(doc.nodes, specRegistry);

// ---- the lessons ----

const autoencoder: Lesson = {
  id: 'autoencoder',
  title: 'An autoencoder encodes a point',
  summary: 'Squeeze images through a small code and rebuild them; see why an autoencoder cannot generate.',
  graph: 'ae',
  steps: [
    {
      title: 'Read the graph',
      text: [
        'Data flows left to right: Dataset → Encoder → Decoder → Reconstruction loss → Loss.',
        'The Encoder squeezes each 28×28 image (784 numbers) into a short code z; the Decoder must rebuild the image from z alone. The narrow middle is the bottleneck.',
        'Each node shows its output shape and number of weights. Select a node to read its note.',
      ],
      focus: ['Encoder', 'Decoder'],
      check: (f) =>
        check(
          f.graphOk && wired(f.doc, { role: 'posterior', port: 'mean' }, { role: 'generator', port: 'code' }),
          'Wire the Encoder’s μ into the Decoder’s z.',
        ),
    },
    {
      title: 'Train it',
      text: [
        'Press ▶ Train. The training panel opens: the reconstruction loss falls and the reconstructions under the inputs sharpen.',
        `Let it run for at least ${LESSON_TRAIN_STEPS} steps.`,
      ],
      focus: ['ReconstructionLoss'],
      check: (f) => trained(f, isAutoencoder, LESSON_TRAIN_STEPS, 'the autoencoder'),
    },
    {
      title: 'Follow one image',
      text: [
        'In the training panel, open “One example, step by step” and press Step. Training pauses and takes one step, and shows one image on its way: x → code z → reconstruction x̂, with its loss.',
        'In an autoencoder z is just μ: the same image always lands on the same point.',
      ],
      focus: ['Encoder'],
      check: (f) => check(f.anatomy !== undefined, 'Press Step in “One example, step by step”.'),
    },
    {
      title: 'Squeeze the bottleneck',
      text: [
        'Set the Encoder’s latent size to 2 and train again.',
        'With two numbers per image the reconstructions blur, and the latent scatter shows the whole code space: each digit gets its own region.',
      ],
      focus: ['Encoder'],
      check: (f) => {
        if (latentSize(f.doc) !== 2) return check(false, 'Set the Encoder’s latent size to 2.');
        return trained(f, (d) => latentSize(d) === 2, LESSON_TRAIN_STEPS, 'the 2-D autoencoder');
      },
    },
    readStep('Sampling does not work (yet)', [
      'Look at “Samples from the prior”: codes drawn from N(0, I) decode to smudges. Nothing made an autoencoder’s codes follow N(0, I), so most random points fall where no image was ever encoded.',
      'The next lesson turns this graph into a VAE, which fixes exactly that.',
    ]),
  ],
};

const vae: Lesson = {
  id: 'vae',
  title: 'A VAE encodes a distribution',
  summary:
    'Turn the autoencoder into a VAE by hand: the reparameterization trick, the KL term, sampling, and a small ellipse morphed into a full one (AE vs VAE).',
  graph: 'ae',
  steps: [
    {
      title: 'Add Reparameterize',
      text: [
        'Add a Reparameterize node (palette, right click or the A key). Wire the Encoder’s μ and log σ² into it, and its z into the Decoder’s z (this replaces the μ → z wire).',
        'It computes z = μ + σ·ε with ε ~ N(0, I): the randomness is outside the network, so gradients still flow through μ and σ. That is the reparameterization trick.',
      ],
      focus: ['Encoder', 'Reparameterize', 'Decoder'],
      check: (f) => check(hasReparameterization(f.doc), 'Wire Encoder μ and log σ² → Reparameterize → Decoder z.'),
    },
    {
      title: 'Add the KL term',
      text: [
        'Add a KL node, feed it the Encoder’s μ and log σ², and connect its output to the Loss.',
        'KL(q(z|x) ‖ N(0, I)) pulls every image’s code distribution toward the prior. The loss is now −ELBO = reconstruction + KL.',
      ],
      focus: ['KL', 'Loss'],
      check: (f) =>
        check(
          hasKlTerm(f.doc) && f.graphOk,
          hasKlTerm(f.doc) ? 'Fix the problems the nodes show.' : 'Wire Encoder μ and log σ² → KL → Loss.',
        ),
    },
    {
      title: 'Train the VAE',
      text: [
        'Train again. The loss curves now split into reconstruction and KL: ELBO = reconstruction − KL, and training trades one against the other.',
        `Let it run for at least ${LESSON_TRAIN_STEPS} steps.`,
      ],
      focus: ['KL', 'ReconstructionLoss'],
      check: (f) => trained(f, isVariational, LESSON_TRAIN_STEPS, 'the VAE'),
    },
    {
      title: 'Watch ε → z → x̂',
      text: [
        'In “One example, step by step”, press Slow motion. Each step draws a new ε, so the same image lands on a slightly different z = μ + σ·ε every time.',
        'The encoder no longer gives a point but a distribution N(μ, σ²); the decoder must cope with any z from it.',
      ],
      focus: ['Reparameterize'],
      // the sampler inserted as the “VAE bottleneck” template is shown opened
      openGroup: 'VAE bottleneck',
      check: (f) => check(f.anatomy?.variational === true, 'Press Step or Slow motion while the VAE trains.'),
    },
    readStep('Samples that look like digits', [
      'Look at “Samples from the prior” again: codes z ~ N(0, I) now decode to digit-like images, because the KL term made N(0, I) a map of the codes.',
      'They are blurrier than the inputs: with a pixel loss the decoder predicts the mean of everything a code could be.',
    ]),
    ...moonSteps,
  ],
};

const betaVae: Lesson = {
  id: 'beta-vae',
  title: 'β-VAE: trading sharpness for disentanglement',
  summary: 'Weight the KL by β on shapes with known factors, and score disentanglement (MIG).',
  graph: 'beta-vae-shapes',
  steps: [
    {
      title: 'Shapes with known factors',
      text: [
        'This dataset is drawn in code from five known factors: shape, scale, rotation, x and y. Because the factors are known, we can score how well each latent dimension captures one factor.',
        'The β node weights the KL: loss = reconstruction + β·(KL − C).',
      ],
      focus: ['Dataset', 'Beta'],
      check: (f) =>
        check(
          datasetIdOf(f.doc) === 'shapes' && weightTerms(f.doc.nodes, specRegistry).length > 0,
          'Use the shapes dataset and a β node (open this lesson again to reset the graph).',
        ),
    },
    {
      title: 'Train with β = 4',
      text: [
        'Set β to 4 (it is already) and train. When training ends, the panel scores the codes: MIG, the mutual information gap, is near 1 when each factor lives in one latent dimension of its own.',
        'Stop early if you like: ■ Stop also scores the run.',
      ],
      focus: ['Beta'],
      check: (f) =>
        check(
          f.scored.some((s) => s.beta === 4),
          'Train with β = 4 until the run is scored.',
        ),
    },
    {
      title: 'Now β = 1',
      text: [
        'Set β to 1 — a plain VAE — and train the same way. Compare the two MIG scores in the Disentanglement card.',
        'The β-VAE literature reports that a larger β gives more disentangled codes, paid for with blurrier reconstructions. Single runs vary: after the full 10 epochs, β = 4 scored the higher MIG on 8 of 10 seeds we measured (seeds not used to choose the settings), so yours may still go the other way; neighbours with other seeds make a fair comparison. (The capacity C stays in place: with β = 1 the KL runs above it, so the run trains as a plain VAE.)',
      ],
      focus: ['Beta'],
      check: (f) =>
        check(f.scored.some((s) => s.beta === 1) && f.scored.some((s) => s.beta === 4), 'Train with β = 1 until the run is scored.'),
    },
    readStep('Traverse the latent space', [
      'Open “Latent traversal”: each row moves one latent dimension from −3 to 3. With a large β, rows tend to change one factor at a time — x, y, scale — which is what disentangled means.',
    ]),
  ],
};

export const lessons: ReadonlyArray<Lesson> = [autoencoder, vae, betaVae, glassesLesson];

export function lessonById(id: LessonId): Lesson {
  const lesson = lessons.find((l) => l.id === id);
  if (!lesson) throw new Error(`no lesson '${id}'`);
  return lesson;
}

/** Each step's check, in order. */
export function checkLesson(lesson: Lesson, facts: LessonFacts): StepCheck[] {
  return lesson.steps.map((s) => s.check(facts));
}
