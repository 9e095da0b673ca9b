/**
 * `npm test` after the static checks: the unit tests (Node) and the browser tests (Chromium, one file at a time)
 * run at the same time — most unit tests keep one core busy while a browser test waits on its page — so the suite
 * takes about the longer of the two instead of their sum. The browser tests print as they go; the unit tests'
 * report is printed whole when both are done. The exit code fails if either failed.
 */
import { spawn } from 'node:child_process';

function vitest(project: 'unit' | 'e2e', live: boolean): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['vitest', 'run', '--project', project, '--maxWorkers', '1'], {
      stdio: ['ignore', live ? 'inherit' : 'pipe', live ? 'inherit' : 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (e) => resolve({ code: 1, output: `${output}${e.message}\n` }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

const started = Date.now();
const [unit, e2e] = await Promise.all([vitest('unit', false), vitest('e2e', true)]);
console.log('\n— unit tests (Node), run beside the browser tests:');
console.log(unit.output.trimEnd());
console.log(`\nunit tests: ${unit.code === 0 ? 'passed' : 'FAILED'}; browser tests: ${e2e.code === 0 ? 'passed' : 'FAILED'}`);
console.log(`both done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exitCode = unit.code !== 0 || e2e.code !== 0 ? 1 : 0;
