/**
 * The static checks of `npm test` side by side: the typecheck, ESLint and Prettier each take a core for half a
 * minute, so they run at once; each one's output is printed whole, in order, and the exit code fails if any failed.
 */
import { spawn } from 'node:child_process';

const checks: ReadonlyArray<{ name: string; command: string; args: string[] }> = [
  { name: 'typecheck', command: 'npx', args: ['vue-tsc', '--noEmit', '-p', 'tsconfig.json'] },
  { name: 'eslint', command: 'npx', args: ['eslint', '.'] },
  { name: 'prettier', command: 'npx', args: ['prettier', '--check', '.'] },
];

function run(check: (typeof checks)[number]): Promise<{ name: string; code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(check.command, check.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (e) => resolve({ name: check.name, code: 1, output: `${output}${e.message}\n` }));
    child.on('close', (code) => resolve({ name: check.name, code: code ?? 1, output }));
  });
}

const started = Date.now();
const results = await Promise.all(checks.map(run));
for (const r of results) {
  console.log(`— ${r.name}: ${r.code === 0 ? 'ok' : `failed (exit ${r.code})`}`);
  if (r.output.trim()) console.log(r.output.trimEnd());
}
console.log(`checks done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
