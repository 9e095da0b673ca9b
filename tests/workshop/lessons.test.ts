import { describe, expect, test } from 'vitest';
import { specRegistry } from '../../nodes';
import { analyzeGraph } from '../../src/core/analyze';
import type { GraphDoc } from '../../src/core/schema';
import { galleryGraph } from '../../src/graphs';
import { describeImport } from '../../src/share/describeImport';
import { createShareLink, readShareLink } from '../../src/share/link';
import { GLASSES_TRAIN_STEPS } from '../../src/workshop/glassesLesson';
import { MOON_TRAIN_STEPS } from '../../src/workshop/moonSteps';
import { lessonIds, MAX_LESSON_STEPS } from '../../src/workshop/lessonIds';
import {
  checkLesson,
  hasKlTerm,
  hasReparameterization,
  isVariational,
  LESSON_TRAIN_STEPS,
  lessonById,
  lessons,
  type LessonFacts,
} from '../../src/workshop/lessons';

function facts(doc: GraphDoc, more: Partial<LessonFacts> = {}): LessonFacts {
  return {
    doc,
    graphOk: analyzeGraph(doc, specRegistry).ok,
    run: undefined,
    anatomy: undefined,
    scored: [],
    vectors: [],
    moons: [],
    ...more,
  };
}

const done = (lessonId: (typeof lessonIds)[number], f: LessonFacts): boolean[] => checkLesson(lessonById(lessonId), f).map((c) => c.done);

describe('lessons', () => {
  test('every lesson opens a saved graph that trains, and fits an instructor link', () => {
    expect(lessons.map((l) => l.id)).toEqual([...lessonIds]);
    for (const l of lessons) {
      const doc = galleryGraph(l.graph);
      expect(analyzeGraph(doc, specRegistry).ok).toBe(true);
      expect(l.steps.length).toBeGreaterThan(2);
      expect(l.steps.length).toBeLessThanOrEqual(MAX_LESSON_STEPS);
      for (const s of l.steps) for (const type of s.focus) expect(specRegistry.has(type), `${l.id}: ${type}`).toBe(true);
    }
  });

  test('the autoencoder lesson: each step is done only by what it asks for', () => {
    const ae = galleryGraph('ae');
    expect(done('autoencoder', facts(ae))).toEqual([true, false, false, false, true]);
    const status = checkLesson(lessonById('autoencoder'), facts(ae));
    expect(status[1]?.waiting).toBe('Press ▶ Train to train the autoencoder.');

    // a VAE run does not count as training the autoencoder
    expect(done('autoencoder', facts(ae, { run: { doc: galleryGraph('vae'), steps: 500 } }))[1]).toBe(false);
    const halfway = checkLesson(lessonById('autoencoder'), facts(ae, { run: { doc: ae, steps: 20 } }))[1];
    expect(halfway).toEqual({ done: false, waiting: `Training… 20 of ${LESSON_TRAIN_STEPS} steps.` });
    expect(done('autoencoder', facts(ae, { run: { doc: ae, steps: LESSON_TRAIN_STEPS } }))[1]).toBe(true);
    expect(done('autoencoder', facts(ae, { anatomy: { variational: false } }))[2]).toBe(true);

    // a 2-D bottleneck: set, then trained
    const small = { ...ae, nodes: ae.nodes.map((n) => (n.type === 'Encoder' ? { ...n, params: { ...n.params, latentDim: 2 } } : n)) };
    expect(checkLesson(lessonById('autoencoder'), facts(ae))[3]?.waiting).toBe('Set the Encoder’s latent size to 2.');
    expect(done('autoencoder', facts(small, { run: { doc: ae, steps: 400 } }))[3]).toBe(false);
    expect(done('autoencoder', facts(small, { run: { doc: small, steps: 60 } }))[3]).toBe(true);

    // a broken graph fails the first check and says how to fix it
    const unwired = { ...ae, edges: ae.edges.filter((e) => !(e.from.node === 'encoder' && e.to.node === 'decoder')) };
    expect(checkLesson(lessonById('autoencoder'), facts(unwired))[0]).toEqual({
      done: false,
      waiting: 'Wire the Encoder’s μ into the Decoder’s z.',
    });
  });

  test('the VAE lesson recognises a VAE built by hand, with or without a β node', () => {
    const ae = galleryGraph('ae');
    const vae = galleryGraph('vae');
    expect(hasReparameterization(ae)).toBe(false);
    expect(hasKlTerm(ae)).toBe(false);
    expect(isVariational(vae)).toBe(true);
    expect(isVariational(galleryGraph('beta-vae'))).toBe(true);
    const moon = [false, false, false, true];
    expect(done('vae', facts(ae))).toEqual([false, false, false, false, true, ...moon]);
    expect(done('vae', facts(vae))).toEqual([true, true, false, false, true, ...moon]);

    // Reparameterize added but the decoder still reads μ: not yet
    const half: GraphDoc = {
      ...ae,
      nodes: [...ae.nodes, { id: 'r', type: 'Reparameterize', version: 1, params: {}, position: { x: 0, y: 0 } }],
      edges: [
        ...ae.edges,
        { id: 'a', from: { node: 'encoder', port: 'mean' }, to: { node: 'r', port: 'mean' } },
        { id: 'b', from: { node: 'encoder', port: 'logVar' }, to: { node: 'r', port: 'logVar' } },
      ],
    };
    expect(hasReparameterization(half)).toBe(false);

    const trainedVae = facts(vae, { run: { doc: vae, steps: 60 }, anatomy: { variational: true } });
    expect(done('vae', trainedVae)).toEqual([true, true, true, true, true, ...moon]);
    expect(done('vae', facts(vae, { anatomy: { variational: false } }))[3]).toBe(false);
  });

  test('the VAE lesson’s moon steps: a VAE trained on shapes, its moon row, then an autoencoder’s', () => {
    const onShapes = (name: string): GraphDoc => {
      const doc = structuredClone(galleryGraph(name));
      for (const n of doc.nodes) if (n.id === 'data') n.params = { ...n.params, dataset: 'shapes' };
      return doc;
    };
    const [vae, ae] = [onShapes('vae'), onShapes('ae')];
    const moonSteps = (f: LessonFacts) => checkLesson(lessonById('vae'), f).slice(5);
    // MNIST is not enough, nor a short run, nor an autoencoder
    expect(moonSteps(facts(vae, { run: { doc: galleryGraph('vae'), steps: MOON_TRAIN_STEPS } }))[0]?.done).toBe(false);
    expect(moonSteps(facts(vae, { run: { doc: vae, steps: 10 } }))[0]).toEqual({
      done: false,
      waiting: `Training… 10 of ${MOON_TRAIN_STEPS} steps.`,
    });
    expect(moonSteps(facts(ae, { run: { doc: ae, steps: MOON_TRAIN_STEPS } }))[0]?.done).toBe(false);
    const run = { doc: vae, steps: MOON_TRAIN_STEPS };
    expect(moonSteps(facts(vae, { run })).map((c) => c.done)).toEqual([true, false, false, true]);
    // an autoencoder's row alone does not do the VAE's step
    expect(moonSteps(facts(vae, { run, moons: [{ variational: false }] })).map((c) => c.done)).toEqual([true, false, false, true]);
    expect(moonSteps(facts(vae, { run, moons: [{ variational: false }] }))[2]?.waiting).toBe('Interpolate in a VAE run first.');
    expect(moonSteps(facts(vae, { run, moons: [{ variational: true }] })).map((c) => c.done)).toEqual([true, true, false, true]);
    const both = facts(ae, { run: { doc: ae, steps: MOON_TRAIN_STEPS }, moons: [{ variational: true }, { variational: false }] });
    expect(moonSteps(both).map((c) => c.done)).toEqual([false, true, true, true]);
  });

  test('the β-VAE lesson needs a scored run at β = 4 and one at β = 1', () => {
    const doc = galleryGraph('beta-vae-shapes');
    expect(done('beta-vae', facts(doc))).toEqual([true, false, false, true]);
    expect(done('beta-vae', facts(galleryGraph('vae')))[0]).toBe(false);
    const one = facts(doc, { scored: [{ beta: 4, mig: 0.05 }] });
    expect(done('beta-vae', one)).toEqual([true, true, false, true]);
    const both = facts(doc, {
      scored: [
        { beta: 4, mig: 0.05 },
        { beta: 1, mig: 0.02 },
      ],
    });
    expect(done('beta-vae', both)).toEqual([true, true, true, true]);
  });

  test('the glasses lesson: trained on faces, the glasses vector applied to a face without glasses, then an autoencoder', () => {
    const faces = galleryGraph('vae-faces');
    expect(done('glasses-vector', facts(faces))).toEqual([true, false, false, false, false, true]);
    expect(done('glasses-vector', facts(galleryGraph('vae')))[0]).toBe(false);
    const run = { doc: faces, steps: GLASSES_TRAIN_STEPS };
    expect(done('glasses-vector', facts(faces, { run: { doc: faces, steps: 10 } }))[1]).toBe(false);
    expect(done('glasses-vector', facts(faces, { run }))[1]).toBe(true);
    const vae = { variational: true, factor: 'glasses', imageGroup: 'from' as const, alpha: 1 };
    // another factor, or a face that already wears glasses, or too weak an α does not count
    expect(done('glasses-vector', facts(faces, { run, vectors: [{ ...vae, factor: 'smile' }] })).slice(2, 4)).toEqual([false, false]);
    expect(done('glasses-vector', facts(faces, { run, vectors: [{ ...vae, imageGroup: 'to' }] })).slice(2, 4)).toEqual([true, false]);
    expect(done('glasses-vector', facts(faces, { run, vectors: [{ ...vae, alpha: 0.5 }] })).slice(2, 4)).toEqual([true, false]);
    expect(done('glasses-vector', facts(faces, { run, vectors: [vae] })).slice(2, 5)).toEqual([true, true, false]);
    const both = facts(faces, { run, vectors: [vae, { ...vae, variational: false }] });
    expect(done('glasses-vector', both)).toEqual([true, true, true, true, true, true]);
    const aeOnly = checkLesson(lessonById('glasses-vector'), facts(faces, { vectors: [{ ...vae, variational: false }] }))[4];
    expect(aeOnly).toEqual({ done: false, waiting: 'Apply the glasses vector in a VAE run first.' });
  });
});

describe('instructor links', () => {
  const doc = galleryGraph('ae');

  test('a lesson and its step travel in the link with the other workshop options', () => {
    const link = createShareLink(doc, 'https://example.org/', { view: 'locked', hide: ['encoder'], lesson: 'vae', step: 3 });
    if (!link.ok) throw new Error(link.errors[0]?.message);
    expect(link.url).toMatch(/&view=locked&hide=encoder&lesson=vae&step=3$/);
    const read = readShareLink(link.url);
    expect(read.ok && read.options).toEqual({ view: 'locked', hide: ['encoder'], lesson: 'vae', step: 3 });
    expect(read.ok && read.doc).toEqual(doc);
    const first = createShareLink(doc, 'https://example.org/', { lesson: 'autoencoder', step: 1 });
    expect(first.ok && first.url.endsWith('&lesson=autoencoder')).toBe(true);
    expect(describeImport({ doc, source: 'link', link: { view: 'edit', hide: [], lesson: 'vae', step: 3 } })).toBe(
      `Opened “${doc.name}” from a share link as a new graph; it opens lesson “A VAE encodes a distribution” at step 3.`,
    );
  });

  test('an unknown lesson or a bad step is refused, naming the option', () => {
    const link = createShareLink(doc, 'https://example.org/');
    if (!link.ok) throw new Error('no link');
    const unknown = readShareLink(`${link.url}&lesson=gan`);
    expect(unknown.ok).toBe(false);
    expect(!unknown.ok && unknown.errors[0]?.message).toMatch(/^the link's option 'lesson' /);
    for (const step of ['x', '0', '99', '-1']) {
      const bad = readShareLink(`${link.url}&lesson=vae&step=${step}`);
      expect(bad.ok, step).toBe(false);
      expect(!bad.ok && bad.errors[0]?.message, step).toMatch(/^the link's option 'step' /);
    }
  });
});
