// The code's shape: no import cycles, the runtime split by side, node kinds named only in nodes/, files under 400 lines.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeRegistry } from '../../nodes';

const root = resolve(__dirname, '..', '..');

function filesUnder(dir: string, pattern: RegExp): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) out.push(...filesUnder(path, pattern));
    else if (pattern.test(name)) out.push(path);
  }
  return out;
}

const sources = [...filesUnder('src', /\.(ts|vue)$/), ...filesUnder('nodes', /\.ts$/)];
const text = new Map(sources.map((f) => [f, readFileSync(join(root, f), 'utf8')]));

/** Relative imports of a file (type-only ones included: a cycle of types still ties files together). */
function importsOf(file: string): string[] {
  const out: string[] = [];
  for (const m of (text.get(file) ?? '').matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
    const base = relative(root, resolve(root, dirname(file), m[1] ?? ''));
    const found = [base, `${base}.ts`, `${base}/index.ts`].find((c) => text.has(c));
    if (found) out.push(found);
  }
  return out;
}

const graph = new Map(sources.map((f) => [f, importsOf(f)]));

function findCycle(): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): string[] | undefined => {
    if (state.get(f) === 'done') return undefined;
    if (state.get(f) === 'open') return [...stack.slice(stack.indexOf(f)), f];
    state.set(f, 'open');
    stack.push(f);
    for (const g of graph.get(f) ?? []) {
      const cycle = visit(g);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(f, 'done');
    return undefined;
  };
  for (const f of sources) {
    const cycle = visit(f);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('the layout of the code', () => {
  it('has no import cycles', () => {
    expect(findCycle()).toBeUndefined();
  });

  it('splits the runtime by side: the page never imports the worker side, nor the worker the page side', () => {
    const crossings = sources.flatMap((f) =>
      (graph.get(f) ?? [])
        .filter(
          (g) =>
            (f.startsWith('src/runtime/page/') && g.startsWith('src/runtime/worker/')) ||
            (f.startsWith('src/runtime/worker/') && g.startsWith('src/runtime/page/')),
        )
        .map((g) => `${f} → ${g}`),
    );
    expect(crossings).toEqual([]);
  });

  it('keeps the core free of tfjs, the DOM and Vue', () => {
    const core = sources.filter((f) => f.startsWith('src/core/'));
    const offending = core.filter((f) => /from '(@tensorflow|vue|pinia|rete)/.test(text.get(f) ?? ''));
    expect(offending).toEqual([]);
  });

  it('names node kinds only in nodes/ (and lesson texts that point at nodes)', () => {
    const kinds = [...nodeRegistry.keys()];
    // a type name compared, switched on or built: `type === 'KL'`, `case 'KL'`, `type: 'KL'` (labels such as 'KL per dim' are text)
    const quoted = new RegExp(`(type\\s*[!=]==?\\s*|case\\s+|type:\\s*)['"\`](${kinds.join('|')})['"\`]`, 'g');
    const allowed = ['src/workshop/lessons.ts', 'src/workshop/lessonTexts.ts'];
    const hits = sources
      .filter((f) => !f.startsWith('nodes/') && !allowed.includes(f))
      .flatMap((f) => [...(text.get(f) ?? '').matchAll(quoted)].map((m) => `${f}: ${m[0]}`));
    expect(hits).toEqual([]);
  });

  it('keeps every file of code and tests under 400 lines', () => {
    const tests = filesUnder('tests', /\.ts$/).map((f) => [f, readFileSync(join(root, f), 'utf8')] as const);
    const long = [...text, ...tests].filter(([, t]) => t.split('\n').length > 400).map(([f, t]) => `${f}: ${t.split('\n').length}`);
    expect(long).toEqual([]);
  });

  it('starts every source file with a line saying what it is for', () => {
    const bare = [...text].filter(([f, t]) => {
      const head = f.endsWith('.vue') ? (t.split('<script')[1] ?? '').split('\n').slice(1, 3).join('\n') : t.slice(0, 200);
      return !/^\s*(\/\*\*|\/\/)/.test(head);
    });
    expect(bare.map(([f]) => f)).toEqual([]);
  });
});
