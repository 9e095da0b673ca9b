import vue from '@vitejs/plugin-vue';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

const SW_SOURCE = '/src/sw.ts';

/** Serves the offline service worker at /sw.js (compiled from src/sw.ts) in dev, and emits it in the build. */
function serviceWorker(): Plugin[] {
  return [
    {
      name: 'bottleneck-service-worker:serve',
      apply: 'serve',
      configureServer(server) {
        server.middlewares.use('/sw.js', (_req, res, next) => {
          server
            .transformRequest(SW_SOURCE)
            .then((result) => {
              if (!result) return next();
              res.setHeader('Content-Type', 'text/javascript');
              res.setHeader('Cache-Control', 'no-cache');
              for (const [name, value] of Object.entries(isolationHeaders)) res.setHeader(name, value);
              res.end(result.code);
            })
            .catch(next);
        });
      },
    },
    {
      name: 'bottleneck-service-worker:build',
      apply: 'build',
      buildStart() {
        this.emitFile({ type: 'chunk', id: `.${SW_SOURCE}`, fileName: 'sw.js' });
      },
      // the service worker fetches every built file when it installs, so the app
      // (the training worker and the wasm binaries included) works offline after one visit
      generateBundle(_options, bundle) {
        const files = Object.keys(bundle).filter((f) => f !== 'sw.js' && !f.endsWith('.map'));
        this.emitFile({ type: 'asset', fileName: 'precache.json', source: JSON.stringify(files.map((f) => `/${f}`)) });
      },
    },
  ];
}

/**
 * Cross-origin isolation: with these two headers the page may share memory
 * with its workers, so tfjs-backend-wasm runs its multi-threaded SIMD build.
 * Every resource the app loads is its own, so nothing else needs to opt in.
 * A static host should send the same two headers (README); the service worker
 * adds them to what it serves, so an offline start is isolated too.
 */
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [vue(), serviceWorker()],
  server: { port: 5173, strictPort: false, headers: isolationHeaders },
  preview: { port: 4173, headers: isolationHeaders },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
  },
  optimizeDeps: {
    include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-backend-wasm', 'jpeg-js', 'omggif'],
    // served as it is: its wasm glue stays next to the codec it loads
    exclude: ['@jsquash/webp'],
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/e2e/**', 'node_modules/**'],
          environment: 'node',
          // two test workers already fill both cores of a CI machine; tests/runtime/nodeWasmThreads.test.ts runs the threaded build
          env: { BOTTLENECK_WASM_THREADS: '1' },
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/e2e/globalSetup.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
