/**
 * Debian's Chromium, driven by playwright-core (never a downloaded browser), for
 * the browser tests and benchmarks. The flags keep it from reaching out to the
 * network; the WebGPU flags give it a SwiftShader adapter where there is no GPU.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumArgs: ReadonlyArray<string> = [
  '--headless',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export const webgpuArgs: ReadonlyArray<string> = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'];
