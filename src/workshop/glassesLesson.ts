/**
 * The fourth lesson, "A glasses vector": a VAE on faces with known
 * attributes, the mean code of faces with glasses minus that of faces
 * without, added to a face without glasses; then the same with an
 * autoencoder, whose codes have gaps between them.
 */
import { specRegistry } from '../../nodes';
import { datasetOf, isVariational } from '../core/graphQueries';
import type { GraphDoc } from '../core/schema';
import type { Lesson, LessonFacts } from './lessonTypes';
import { check, readStep, trained } from './stepChecks';

/** Steps before the glasses show in the decoded faces (about three epochs of faces at batch 64). */
export const GLASSES_TRAIN_STEPS = 300;

const onFaces = (doc: GraphDoc): boolean => datasetOf(doc.nodes, specRegistry)?.dataset === 'faces';
const vaeOnFaces = (doc: GraphDoc): boolean => onFaces(doc) && isVariational(doc.nodes, specRegistry);

const glassesVectors = (f: LessonFacts, variational: boolean) =>
  f.vectors.filter((v) => v.factor === 'glasses' && v.variational === variational);

export const glassesLesson: Lesson = {
  id: 'glasses-vector',
  title: 'A glasses vector',
  summary: 'Subtract the mean code of faces without glasses from that of faces with glasses, and add the difference to a face.',
  graph: 'vae-faces',
  steps: [
    {
      title: 'Faces with known attributes',
      text: [
        'This VAE trains on cartoon faces drawn in code. Each face is one combination of known attributes: glasses or not, mouth, eye size, face width, hair and position. Because we know which faces wear glasses, we can ask the model where glasses live in its code space.',
        'The Encoder gives each face a code distribution N(μ, σ²); Reparameterize draws z from it and the Decoder draws the face back.',
      ],
      focus: ['Dataset', 'Encoder'],
      check: (f) => check(f.graphOk && vaeOnFaces(f.doc), 'Use the faces dataset in a VAE (open this lesson again to reset the graph).'),
    },
    {
      title: 'Train it',
      text: [
        `Press ▶ Train and let it run for at least ${GLASSES_TRAIN_STEPS} steps; the reconstructions should show the glasses (the brightest pixels) once it has.`,
        'The next steps read the codes of every test face from one set of weights: wait for the run to finish, or pause or stop it.',
      ],
      focus: ['ReconstructionLoss', 'KL'],
      check: (f) => trained(f, vaeOnFaces, GLASSES_TRAIN_STEPS, 'the VAE on faces'),
    },
    {
      title: 'The glasses vector',
      text: [
        'In the training panel, open “Attribute vector”, choose “glasses” and press Apply vector. The worker encodes every test face to its μ and takes v = mean μ of the faces with glasses − mean μ of the faces without.',
        'Every other attribute appears equally often in both groups, so it averages out of the difference: what is left is the direction in code space that puts glasses on.',
      ],
      focus: ['Encoder'],
      check: (f) => check(glassesVectors(f, true).length > 0, 'In “Attribute vector”, choose glasses and press Apply vector.'),
    },
    {
      title: 'Put glasses on a face',
      text: [
        'Click a face without glasses in the strip and set the strength α to 1 or more. The row shows x, then the decoded z + α·v for α from −1 to 2: at α = 0 the face itself, at α = 1 it should have glasses, at α = −1 they are pushed further away.',
        'Nothing but the code moved, and only along one direction: the decoder draws the glasses because faces with glasses have codes there.',
      ],
      focus: ['Decoder'],
      check: (f) =>
        check(
          glassesVectors(f, true).some((v) => v.imageGroup === 'from' && v.alpha >= 1),
          'Pick a face without glasses and set α to 1 or more.',
        ),
    },
    {
      title: 'Compare with an autoencoder',
      text: [
        'Delete the Reparameterize and KL nodes and wire the Encoder’s μ into the Decoder’s z: the graph is now a plain autoencoder. Train it the same way and apply the glasses vector again. The VAE’s row stays below the new one.',
        'An autoencoder is only asked to rebuild each face from its own code, so nothing says what the space between codes should decode to. Look at both rows as they come out: where the autoencoder’s row breaks up, z + α·v has left the places its codes occupy.',
      ],
      focus: ['Reparameterize', 'KL'],
      check: (f) =>
        check(
          glassesVectors(f, false).length > 0 && glassesVectors(f, true).length > 0,
          glassesVectors(f, true).length === 0
            ? 'Apply the glasses vector in a VAE run first.'
            : 'Turn the graph into an autoencoder, train it and apply the glasses vector.',
        ),
    },
    readStep('Why a VAE fills the gaps', [
      'The KL term pulls every face’s code distribution towards N(0, I), and the noise of Reparameterize makes the decoder draw a face from every z near each μ. Together they leave no empty space between the codes of similar faces: a straight line from one code to another, or a step along an attribute vector, stays in territory the decoder has learned.',
      'This is why attribute arithmetic and interpolation are told with VAEs. The “Log-likelihood” card adds a number to it: the IW-k estimate of log p(x), a tighter bound than the ELBO the VAE trains on.',
    ]),
  ],
};
