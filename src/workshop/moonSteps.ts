/** The VAE lesson's moon steps: a small ellipse morphed into a full-size one through the codes, in a VAE and then in an autoencoder. */
import { specRegistry } from '../../nodes';
import { datasetOf, isVariational } from '../core/graphQueries';
import type { GraphDoc } from '../core/schema';
import type { LessonFacts, LessonStep } from './lessonTypes';
import { check, readStep, trained } from './stepChecks';

/** Steps before the decoded ellipses have sharp enough sizes to compare (three epochs of 6,400 shapes at batch 64). */
export const MOON_TRAIN_STEPS = 300;

const onShapes = (doc: GraphDoc): boolean => datasetOf(doc.nodes, specRegistry)?.dataset === 'shapes';
const vaeOnShapes = (doc: GraphDoc): boolean => onShapes(doc) && isVariational(doc.nodes, specRegistry);
const moonsOf = (f: LessonFacts, variational: boolean): number => f.moons.filter((m) => m.variational === variational).length;

export const moonSteps: LessonStep[] = [
  {
    title: 'Shapes: a half moon and a full moon',
    text: [
      'Select the Dataset node and set its dataset to shapes: squares, ellipses and hearts drawn in code, each at one of six sizes (scale 0.5 to 1.0), ten rotations and 16×16 positions. Because every image’s factors are known, we can pick two images that differ only in size.',
      `Train the VAE on them for at least ${MOON_TRAIN_STEPS} steps, then let the run finish, or pause or stop it: the next step reads codes from one set of weights.`,
    ],
    focus: ['Dataset'],
    check: (f) => trained(f, vaeOnShapes, MOON_TRAIN_STEPS, 'the VAE on shapes'),
  },
  {
    title: 'From a small ellipse to a full one',
    text: [
      'In the training panel, open “Moon interpolation: AE vs VAE” and press Interpolate. The worker takes a small ellipse (scale 0.5) and a full-size one (scale 1.0) of the test set with the same rotation and position, encodes both to μ and decodes z = (1 − α)·μ_small + α·μ_large for nine α from 0 to 1.',
      'Look at the VAE row: the ellipse should grow step by step, from the small moon to the full one. Under the row are the size each image’s pixel mass implies, and its distance to the nearest real ellipse at that spot.',
    ],
    focus: ['Encoder', 'Decoder'],
    check: (f) => check(moonsOf(f, true) > 0, 'Press “Interpolate small → full-size ellipse” once the VAE run is finished or paused.'),
  },
  {
    title: 'The same with an autoencoder',
    text: [
      'Delete the Reparameterize and KL nodes and wire the Encoder’s μ into the Decoder’s z: the graph is the autoencoder again. Train it on shapes the same way and press Interpolate again; the VAE’s row stays beside the new one.',
      'Compare the two rows. If the autoencoder’s middle images blur, fade or jump in size, the line between its two codes passes through space that no image was encoded to; the distance numbers say how far each image is from a real ellipse, and the number in brackets how much further the middle images are than the decoded ends.',
    ],
    focus: ['Reparameterize', 'KL'],
    check: (f) =>
      check(
        moonsOf(f, false) > 0 && moonsOf(f, true) > 0,
        moonsOf(f, true) === 0
          ? 'Interpolate in a VAE run first.'
          : 'Turn the graph into an autoencoder, train it on shapes and press Interpolate.',
      ),
  },
  readStep('Holes between the codes', [
    'The KL term packs every image’s code distribution around N(0, I), and Reparameterize makes the decoder draw an image from every z near each μ: the space between the codes of a small and a large ellipse is asked to decode to shapes too. An autoencoder is asked nothing about that space, so a straight line between two of its codes can cross holes where the decoder never learned what to draw.',
    'Read the numbers honestly: two ellipses that differ only in size have codes close together, and on this pair the autoencoder’s row usually grows smoothly as well, and is often sharper (it spends nothing on the KL term). In our tests both rows grew at every step, the middle images about as near real ellipses as the ends, with the autoencoder no worse. Its holes show where codes are far apart and nothing was encoded between them, as “Samples from the prior” showed in the first lesson.',
  ]),
];
