import { readFileSync, writeFileSync } from 'node:fs';
import { readGraphText } from './src/share/graphFile.ts';
import { exportPyTorch } from './src/export/pytorch.ts';
const r = readGraphText(readFileSync('graphs/vae.json', 'utf8'));
if (!r.ok) throw new Error('x');
const out = exportPyTorch(r.doc);
if (!out.ok) { console.log(out.errors); process.exit(1); }
writeFileSync('/tmp/vae.py', out.code);
console.log(out.totalParams, out.weights.length);
