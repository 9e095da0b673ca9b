/**
 * tfjs-backend-wasm's threaded SIMD build in Node: tfjs switches threads off
 * there, and its module hands each thread's script over as a blob URL, which
 * Node's worker_threads cannot open. The scripts are written to files instead,
 * and the thread cap (half the logical cores, assuming two hyperthreads per
 * core) is lifted to one thread per logical core, as in the browser.
 */
import { createHash } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

const THREADED = 'tfjs-backend-wasm-threaded-simd';
const require = createRequire(import.meta.url);

/** How many threads to ask for: BOTTLENECK_WASM_THREADS, else one per logical core. */
export function wantedWasmThreads(): number {
  const asked = Number(process.env.BOTTLENECK_WASM_THREADS);
  if (Number.isInteger(asked) && asked >= 1) return asked;
  return Math.max(1, os.cpus().length);
}

/** The thread's script: the package's worker module holds it as a string. */
function workerScript(scriptsDir: string): string | undefined {
  const file = join(scriptsDir, `${THREADED}.worker.js`);
  if (!existsSync(file)) return undefined;
  const text = (require(file) as { wasmWorkerContents?: unknown }).wasmWorkerContents;
  // tfjs escapes newlines the same way before making its blob
  return typeof text === 'string' ? text.replace(/\n/g, '\\n') : undefined;
}

/**
 * The thread script as a file Node's workers can open. Its name is its content's
 * digest, so every run of the same tfjs shares one file instead of leaving its own.
 */
function threadScriptFile(content: string): string {
  const file = join(os.tmpdir(), `bottleneck-wasm-thread-${createHash('sha256').update(content).digest('hex').slice(0, 16)}.cjs`);
  if (!existsSync(file)) {
    // written beside and renamed, so a process starting at the same time never reads half a file
    const partial = `${file}.${process.pid}`;
    writeFileSync(partial, content);
    renameSync(partial, file);
  }
  return file;
}

/**
 * Prepares the threaded build before tf.setBackend('wasm'); undefined (and
 * nothing changed) where its scripts are missing or one thread is wanted.
 * Returns a function to call once the backend has started.
 */
export function prepareNodeWasmThreads(scriptsDir: string, threads: number): (() => void) | undefined {
  if (threads < 2) return undefined;
  const mainScript = join(scriptsDir, `${THREADED}.js`);
  const worker = workerScript(scriptsDir);
  if (!worker || !existsSync(mainScript)) return undefined;
  // inside the thread, the main script is asked for as a blob too: point it at the package's file
  const workerFile = threadScriptFile(`URL.createObjectURL = () => ${JSON.stringify(mainScript)};${worker}`);
  const createObjectURL = URL.createObjectURL.bind(URL);
  const cpus = os.cpus.bind(os);
  URL.createObjectURL = (blob: Blob) => (blob.type === 'application/javascript' ? workerFile : createObjectURL(blob));
  os.cpus = () => {
    const real = cpus();
    return Array.from({ length: 2 * threads }, (_, i) => real[i % real.length] as os.CpuInfo);
  };
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  return () => {
    URL.createObjectURL = createObjectURL;
    os.cpus = cpus;
    letProcessExit();
  };
}

interface ThreadedModule {
  PThread?: { runningWorkers?: Array<{ unref?: () => void }> };
}

/** The pool's threads wait for work forever; they must not keep the process alive. */
function letProcessExit(): void {
  if (tf.getBackend() !== 'wasm') return;
  const module = (tf.backend() as unknown as { wasm?: ThreadedModule }).wasm;
  for (const worker of module?.PThread?.runningWorkers ?? []) worker.unref?.();
}
