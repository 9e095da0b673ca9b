/**
 * `npm run latent -- graphs/vae.json --vector label=7-1` (or `--dataset faces --vector glasses`)
 *
 * Trains a graph, computes an attribute vector from the posterior means of two
 * groups of test images and writes vector.png (rows: an image, then its code
 * moved by each α, decoded) and vector.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { specRegistry } from '../../nodes';
import { datasetOf, withDataSettings } from '../core/graphQueries';
import { imageGrid } from '../core/imageGrid';
import type { GraphDoc } from '../core/schema';
import { loadDatasetNode } from '../data/loadNode';
import { initNodeBackend } from '../runtime/worker/nodeBackend';
import { embedGraphPng } from '../share/pngEmbed';
import { InputError } from './args';
import { latentUsage, parseLatentArgs, type LatentArgs } from './latentArgs';
import { runLatent, type LatentResult } from './latentRun';
import { loadGraphFile } from './trainRun';

/** The PNG text keyword of the vector's report (the graph rides under the importer's own key). */
export const LATENT_PNG_KEY = 'bottleneck:latent';

function prepare(path: string, args: LatentArgs): GraphDoc {
  let doc = loadGraphFile(path);
  if (args.dataset) doc = withDataSettings(doc, specRegistry, { dataset: args.dataset });
  if (args.seed !== undefined) doc.training.seed = args.seed;
  return doc;
}

function write(result: LatentResult, doc: GraphDoc, args: LatentArgs, name: string): string[] {
  const columns = 1 + result.report.alphas.length;
  const image = imageGrid(result.grid, { columns, gap: 2, scale: 3 });
  const png = embedGraphPng(image, doc, { [LATENT_PNG_KEY]: JSON.stringify({ ...result.report, values: undefined }) });
  if (!png.ok) throw new InputError(png.errors.map((e) => e.message).join('; '));
  const pngPath = join(args.out, `${name}.png`);
  const jsonPath = join(args.out, `${name}.json`);
  writeFileSync(pngPath, png.bytes);
  writeFileSync(jsonPath, `${JSON.stringify(result.report, null, 2)}\n`);
  return [pngPath, jsonPath];
}

function describe(result: LatentResult): string {
  const r = result.report;
  const lines = [
    `${r.graph}: v = mean code of ${r.to.group} (${r.to.images} images) − mean code of ${r.from.group} (${r.from.images}), ‖v‖ = ${r.norm.toFixed(3)}`,
    `  test ELBO ${r.test?.elbo.toFixed(2) ?? '—'} after ${r.steps} steps; columns: the image, then α = ${r.alphas.join(', ')}`,
  ];
  if (r.measureByAlpha)
    lines.push(
      `  ${r.vector} measure of the decoded images by α: ${r.measureByAlpha.map((m, i) => `${r.alphas[i]}: ${m.toFixed(3)}`).join(', ')}`,
    );
  return lines.join('\n');
}

async function main(): Promise<number> {
  const parsed = parseLatentArgs(process.argv.slice(2));
  if (parsed.ok === 'help') {
    console.log(latentUsage);
    return 0;
  }
  if (!parsed.ok) {
    console.error(`latent: ${parsed.message}`);
    return 1;
  }
  const args = parsed.args;
  const tf = await initNodeBackend(args.backend);
  mkdirSync(args.out, { recursive: true });
  const graphs: Array<[string, string]> = [
    [args.graph, 'vector'],
    ...(args.compare ? ([[args.compare, 'vector-compare']] as Array<[string, string]>) : []),
  ];
  for (const [path, name] of graphs) {
    const doc = prepare(path, args);
    const id = datasetOf(doc.nodes, specRegistry)?.dataset;
    if (!id) throw new InputError(`${path} has no Dataset node`);
    console.log(`training ${doc.name} on ${id}…`);
    const result = await runLatent(tf, doc, loadDatasetNode(id), {
      spec: args.vector.spec,
      specText: args.vector.text,
      alphas: args.alphas,
      rows: args.rows,
      ...(args.epochs !== undefined ? { epochs: args.epochs } : {}),
      ...(args.trainLimit !== undefined ? { trainLimit: args.trainLimit } : {}),
    });
    console.log(describe(result));
    for (const file of write(result, doc, args, name)) console.log(`wrote ${file}`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof InputError ? `latent: ${e.message}` : e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
