/** Finding a Python interpreter that has the modules a command needs, and running it. */
import { spawnSync } from 'node:child_process';

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], timeoutMs = 120_000, env?: NodeJS.ProcessEnv): RunResult {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, ...(env ? { env } : {}) });
  return { status: r.status, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

/** The first of `python3`, `/usr/bin/python3` that can import every module named, or undefined. */
export function pythonWith(modules: string[]): string | undefined {
  for (const python of ['python3', '/usr/bin/python3']) {
    const r = run(python, ['-c', modules.map((m) => `import ${m}`).join('; ') || 'pass'], 60_000);
    if (r.status === 0) return python;
  }
  return undefined;
}
