/**
 * The compiled MLP VAE (784-400-20, Bernoulli, Adam 1e-3, batch 128) against an
 * independent plain-tfjs implementation of the same architecture, trained the
 * same number of epochs on the same embedded MNIST: test ELBOs within 2%.
 */
import { expect, test } from 'vitest';
import { compareWithReference } from './compare';

test('the compiled VAE matches the reference implementation within 2% (test ELBO)', async () => {
  const r = await compareWithReference(3, 'wasm');
  console.log(
    `test ELBO after ${r.epochs} epochs: compiled ${r.compiled.testElbo.toFixed(2)} nats, reference ${r.reference.testElbo.toFixed(2)} nats, gap ${(100 * r.relativeGap).toFixed(2)}%`,
  );
  // both actually learned (an untrained model scores about −545 nats; 3 epochs reach about −148)
  expect(r.compiled.testElbo).toBeGreaterThan(-170);
  expect(r.reference.testElbo).toBeGreaterThan(-170);
  expect(r.relativeGap).toBeLessThan(0.02);
}, 600_000);
