/**
 * Pictures of the latest run (samples from the prior, reconstructions) as
 * PNGs that carry the trained graph and the run record, made on the page from
 * the preview the dashboard already shows. They are the same files the
 * dashboard's export writes (src/share/runPictures.ts), so dropping one back
 * on the canvas restores the experiment.
 */
import { computed } from 'vue';
import { encodeReconstructionsPng, encodeSamplesPng, type RunFacts } from '../share/runPictures';
import type { RunView } from '../runtime/page/runState';
import { graphFileStem } from '../share/graphFile';
import { useTrainingStore } from '../stores/trainingStore';
import { saveInBrowser } from './useGraphExport';

export const pictureKinds = ['samples', 'reconstructions'] as const;
export type PictureKind = (typeof pictureKinds)[number];

/** What a run did, as the run record in its pictures states it. */
export function runFacts(run: RunView, createdAt: Date): RunFacts {
  const status =
    run.phase === 'finished' ? 'finished' : run.phase === 'stopped' ? 'aborted' : run.phase === 'diverged' ? 'diverged' : undefined;
  const f = run.final;
  return {
    steps: run.step,
    backend: run.backend?.name ?? 'unknown',
    ...(status ? { status } : {}),
    ...(f ? { final: { elbo: f.elbo, recon: f.recon, kl: f.kl, activeUnits: f.activeUnits, klPerDim: f.klPerDim } } : {}),
    createdAt,
  };
}

export type PictureOutcome = { ok: true; fileName: string } | { ok: false; message: string };

export function useRunPicture(save: (fileName: string, data: Blob) => void = saveInBrowser) {
  const training = useTrainingStore();

  /** The graph the pictures come from (the one the run trained), when there are pictures. */
  const source = computed(() =>
    training.preview && training.trainedDoc ? { doc: training.trainedDoc, step: training.preview.step } : undefined,
  );

  function available(kind: PictureKind): boolean {
    const p = training.preview;
    if (!p || !training.trainedDoc) return false;
    return kind === 'samples' ? p.samples.n > 0 : p.inputs.n > 0 && p.reconstructions.n === p.inputs.n;
  }

  function download(kind: PictureKind): PictureOutcome {
    const preview = training.preview;
    const doc = training.trainedDoc;
    if (!preview || !doc || !available(kind)) return { ok: false, message: 'there is no picture yet: train the graph first' };
    try {
      const facts = runFacts(training.run, new Date());
      const bytes = kind === 'samples' ? encodeSamplesPng(preview, doc, facts) : encodeReconstructionsPng(preview, doc, facts);
      const fileName = `${graphFileStem(doc)}-${kind}-step${preview.step}.png`;
      save(fileName, new Blob([bytes.slice()], { type: 'image/png' }));
      return { ok: true, fileName };
    } catch (e) {
      return { ok: false, message: `the picture could not be made: ${e instanceof Error ? e.message : String(e)}` };
    }
  }

  return { source, available, download };
}
