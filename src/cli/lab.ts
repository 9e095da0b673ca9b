/**
 * `npm run lab -- graphs/beta-vae-shapes.json --epochs 10 --out runs/lab [--beta 1]`
 *
 * Trains a graph on the shapes dataset, scores the disentanglement of its
 * latent code and writes report.json plus one latent-traversal PNG per shape.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { specRegistry } from '../../nodes';
import { datasetInfo, type DatasetId } from '../core/datasets';
import { datasetOf } from '../core/graphQueries';
import { parseGraphText } from '../core/parse';
import type { GraphDoc } from '../core/schema';
import { loadDatasetNode } from '../data/loadNode';
import type { LabScores } from '../metrics/lab';
import { betasOf, runLab, withBeta, type LabEvent } from './labRun';
import { initNodeBackend } from '../runtime/worker/nodeBackend';
import { labUsage, parseLabArgs, type LabArgs } from './labArgs';
import { compareSeeds, parseBetas, parseSeeds } from './labSeeds';

function fail(message: string): never {
  console.error(`lab: ${message}`);
  process.exit(1);
}

function readGraph(path: string): GraphDoc {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return fail(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const parsed = parseGraphText(text, specRegistry);
  if (!parsed.ok) return fail(`${path} is not a valid graph:\n${parsed.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  return parsed.doc;
}

function datasetIdOf(doc: GraphDoc): DatasetId {
  return datasetOf(doc.nodes, specRegistry)?.dataset ?? fail(`graph '${doc.name}' has no Dataset node`);
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

function printProgress(event: LabEvent): void {
  switch (event.type) {
    case 'started':
      console.log(
        `training ${event.epochs} epoch(s), ${event.totalSteps} steps, ${event.paramCount.toLocaleString('en')} weights, backend ${event.backend}`,
      );
      break;
    case 'progress':
      if (event.step % 100 === 0) {
        const t = event.train;
        console.log(
          `  step ${event.step}  loss ${t.objective.toFixed(2)}  recon ${t.recon.toFixed(2)}  KL ${t.kl.toFixed(2)}  β ${t.beta}  ${Math.round(event.samplesPerSecond)} img/s`,
        );
      }
      break;
    case 'epochEnded': {
      const r = event.record;
      console.log(
        `epoch ${r.epoch}: test ELBO ${r.test.elbo.toFixed(2)} (recon ${r.test.recon.toFixed(2)}, KL ${r.test.kl.toFixed(2)}), ${r.test.activeUnits} active units, ${r.seconds.toFixed(1)} s`,
      );
      break;
    }
    case 'diverged':
      console.log(`  ${event.message}`);
      break;
    case 'scoring':
      console.log(`scoring disentanglement on ${event.images} test images…`);
      break;
    case 'scored':
      printScores(event.scores);
      break;
    case 'paused':
    case 'resumed':
      break;
  }
}

function printScores(s: LabScores): void {
  console.log(`MIG ${s.mig.toFixed(3)}   FactorVAE ${pct(s.factorVae)}   β-VAE ${pct(s.betaVae)}`);
  for (const f of s.perFactor) {
    console.log(
      `  ${f.factor.padEnd(9)} gap ${f.gap.toFixed(3)}   best z${f.bestDim} (${pct(f.normalizedMutualInformation[f.bestDim] ?? 0)} of its entropy)${f.secondDim !== null ? `, next z${f.secondDim} (${pct(f.normalizedMutualInformation[f.secondDim] ?? 0)})` : ''}`,
    );
  }
}

async function main(args: LabArgs): Promise<void> {
  let doc = readGraph(args.graph);
  if (args.beta !== undefined) {
    try {
      doc = withBeta(doc, args.beta);
    } catch (e) {
      fail(e instanceof Error ? e.message : String(e));
    }
  }
  const datasetId = datasetIdOf(doc);
  const data = loadDatasetNode(datasetId);
  if (!data.factors)
    fail(`graph '${doc.name}' trains on ${datasetInfo[datasetId].title}, which has no known factors; set its Dataset node to "shapes"`);
  const tf = await initNodeBackend(args.backend);
  if (args.seeds !== undefined) {
    await seedTable(doc, data, tf, args);
    return;
  }
  const betas = betasOf(doc);
  console.log(
    `${doc.name} — β ${betas.length > 0 ? betas.join(', ') : '1 (no β node)'}, seed ${args.seed ?? doc.training.seed}, ${datasetInfo[datasetId].title}`,
  );
  const { report, images } = await runLab(doc, data, tf, {
    ...(args.epochs !== undefined ? { epochs: args.epochs } : {}),
    ...(args.seed !== undefined ? { seed: args.seed } : {}),
    ...(args.trainLimit !== undefined ? { trainLimit: args.trainLimit } : {}),
    ...(args.evalLimit !== undefined ? { evalLimit: args.evalLimit } : {}),
    traversalSteps: args.steps,
    onEvent: printProgress,
  });
  mkdirSync(args.out, { recursive: true });
  writeFileSync(join(args.out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  for (const image of images) writeFileSync(join(args.out, image.file), image.png);
  console.log(
    `trained ${report.steps} steps in ${report.trainSeconds.toFixed(1)} s; wrote ${join(args.out, 'report.json')} and ${images.length} traversal PNG(s) (rows: latent dims by KL, ${report.dimsByKl.map((d) => `z${d}`).join(' ')})`,
  );
}

/** `--seeds`: each seed at each β, a table of MIG scores, and seeds.json. */
async function seedTable(
  doc: GraphDoc,
  data: ReturnType<typeof loadDatasetNode>,
  tf: Awaited<ReturnType<typeof initNodeBackend>>,
  args: LabArgs,
): Promise<void> {
  const seeds = parseSeeds(args.seeds ?? '');
  const betas = parseBetas(args.betas);
  if (typeof seeds === 'string') fail(seeds);
  if (typeof betas === 'string') fail(betas);
  const epochs = args.epochs ?? doc.training.epochs;
  console.log(`${doc.name}: MIG after ${epochs} epoch(s), β ${betas.join(' vs ')}, seeds ${seeds.join(', ')}`);
  console.log(`seed  ${betas.map((b) => `β=${b}`.padStart(8)).join('')}   larger β wins`);
  const table = await compareSeeds(doc, data, tf, {
    seeds,
    betas,
    epochs,
    ...(args.trainLimit !== undefined ? { trainLimit: args.trainLimit } : {}),
    ...(args.evalLimit !== undefined ? { evalLimit: args.evalLimit } : {}),
    onRow: (r) => {
      const largest = betas.indexOf(Math.max(...betas));
      const wins = r.mig.every((m, i) => i === largest || (r.mig[largest] ?? -1) > m);
      console.log(
        `${String(r.seed).padStart(4)}  ${r.mig.map((m) => m.toFixed(3).padStart(8)).join('')}   ${wins ? 'yes' : 'no'}   (${r.seconds.toFixed(0)} s)`,
      );
    },
  });
  console.log(`β=${Math.max(...betas)} has the highest MIG on ${table.largestBetaWins} of ${seeds.length} seeds`);
  mkdirSync(args.out, { recursive: true });
  writeFileSync(join(args.out, 'seeds.json'), `${JSON.stringify(table, null, 2)}\n`);
}

const parsed = parseLabArgs(process.argv.slice(2));
if (parsed.ok === 'help') {
  console.log(labUsage);
} else if (!parsed.ok) {
  fail(parsed.message);
} else {
  main(parsed.args).catch((e: unknown) => fail(e instanceof Error ? e.message : String(e)));
}
