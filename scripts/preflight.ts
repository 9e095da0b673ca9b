/**
 * Runs before `npm test`: the browser tests need Debian's Chromium and the
 * export tests need python3. A machine without them stops here, at once, with
 * the exact command that installs them (`.ci/run` installs them itself).
 */
import { existsSync } from 'node:fs';
import { CHROMIUM } from '../src/cli/chromium';
import { pythonWith } from '../src/cli/python';

const missing: Array<{ what: string; pkg: string }> = [];
if (!existsSync(CHROMIUM)) missing.push({ what: `Chromium (looked for ${CHROMIUM}; CHROMIUM_PATH sets another)`, pkg: 'chromium' });
if (pythonWith([]) === undefined) missing.push({ what: 'python3 (the exported scripts are checked with it)', pkg: 'python3' });

if (missing.length > 0) {
  const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
  console.error(
    [
      'npm test needs what this machine lacks:',
      ...missing.map((m) => `  - ${m.what}`),
      '',
      'Install it with:',
      `  ${sudo}apt-get install -y --no-install-recommends ${missing.map((m) => m.pkg).join(' ')}`,
      '',
      'or run .ci/run, which installs what is missing and then runs the tests.',
    ].join('\n'),
  );
  process.exit(1);
}
if (pythonWith(['torch']) === undefined) {
  console.error('note: the PyTorch parity tests are skipped (python3 has no torch); apt-get install -y python3-torch runs them.');
}
