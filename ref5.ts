import { compareWithReference } from './tests/reference/compare';
const r = await compareWithReference(Number(process.argv[2] ?? 1));
console.log(JSON.stringify(r, null, 1));
