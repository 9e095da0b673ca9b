/**
 * `npm start`: the editor's dev server. It opens a browser where there is one
 * (a desktop session with a browser opener) and otherwise just prints the URL.
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'vite';

/** A way to open a URL on this machine, or undefined on a headless one. */
function opener(): string | undefined {
  if (process.platform === 'darwin') return 'open';
  if (process.platform === 'win32') return 'explorer';
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return undefined;
  return spawnSync('sh', ['-c', 'command -v xdg-open'], { encoding: 'utf8' }).status === 0 ? 'xdg-open' : undefined;
}

const open = opener();
const server = await createServer({ configFile: 'vite.config.ts', server: { open: open !== undefined } });
await server.listen();
server.printUrls();
if (!open) console.log('\n  No desktop browser to open here: open the URL above in a browser.\n');
