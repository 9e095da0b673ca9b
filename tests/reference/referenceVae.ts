/**
 * An independent reference VAE written as a plain tfjs script, in the style of
 * tfjs-examples/fashion-mnist-vae: tf.layers models, tf.train.adam, its own
 * loss, its own batching and its own test-ELBO estimate. It shares nothing with
 * the compiler, the node catalogue or the trainer, so that agreement between the
 * two is evidence that the compiled graph is the model it claims to be.
 *
 * Architecture (Kingma & Welling): 784 → 400 (relu) → μ, log σ² (20);
 * 20 → 400 (relu) → 784 logits; Bernoulli likelihood; Adam 1e-3; batch 128.
 */
import type * as tfType from '@tensorflow/tfjs';

export interface ReferenceData {
  /** n × 784 floats in 0..1 */
  trainX: Float32Array;
  trainCount: number;
  testX: Float32Array;
  testCount: number;
}

export interface ReferenceResult {
  epochs: number;
  /** Per example, nats (higher is better). */
  testElbo: number;
  testRecon: number;
  testKl: number;
  seconds: number;
}

/** A tiny LCG for shuffling and noise; deliberately not the app's RNG. */
function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

export async function trainReferenceVae(
  tf: typeof tfType,
  data: ReferenceData,
  options: { epochs: number; seed: number; batchSize?: number; latentDim?: number; hidden?: number; learningRate?: number },
): Promise<ReferenceResult> {
  const batchSize = options.batchSize ?? 128;
  const latent = options.latentDim ?? 20;
  const hidden = options.hidden ?? 400;
  const seed = options.seed;
  const start = Date.now();

  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed * 31 + k });
  const encoderBody = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [784], units: hidden, activation: 'relu', kernelInitializer: init(1) })],
  });
  const meanHead = tf.layers.dense({ units: latent, kernelInitializer: init(2) });
  const logVarHead = tf.layers.dense({ units: latent, kernelInitializer: init(3) });
  const decoder = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [latent], units: hidden, activation: 'relu', kernelInitializer: init(4) }),
      tf.layers.dense({ units: 784, kernelInitializer: init(5) }),
    ],
  });
  // build the heads
  tf.tidy(() => {
    const h = encoderBody.apply(tf.zeros([1, 784])) as tfType.Tensor;
    meanHead.apply(h);
    logVarHead.apply(h);
  });
  const optimizer = tf.train.adam(options.learningRate ?? 1e-3);
  const rand = lcg(seed);

  const encode = (x: tfType.Tensor) => {
    const h = encoderBody.apply(x) as tfType.Tensor;
    return { mu: meanHead.apply(h) as tfType.Tensor, logVar: logVarHead.apply(h) as tfType.Tensor };
  };
  const gaussian = (n: number) => {
    const v = new Float32Array(n * latent);
    for (let i = 0; i < v.length; i += 2) {
      const u1 = Math.max(rand(), 1e-12);
      const u2 = rand();
      const r = Math.sqrt(-2 * Math.log(u1));
      v[i] = r * Math.cos(2 * Math.PI * u2);
      if (i + 1 < v.length) v[i + 1] = r * Math.sin(2 * Math.PI * u2);
    }
    return tf.tensor2d(v, [n, latent]);
  };
  /** Negative ELBO terms for a batch, per example: [recon, kl]. */
  const terms = (x: tfType.Tensor, eps: tfType.Tensor) => {
    const { mu, logVar } = encode(x);
    const z = mu.add(logVar.mul(0.5).exp().mul(eps));
    const logits = decoder.apply(z) as tfType.Tensor;
    // sigmoid cross-entropy (tf.losses handles the stable form), summed over pixels
    const bce = tf.losses.sigmoidCrossEntropy(x, logits, undefined, 0, tf.Reduction.NONE);
    const recon = bce.sum(1).mean();
    const kl = mu.square().add(logVar.exp()).sub(logVar).sub(1).mul(0.5).sum(1).mean();
    return { recon, kl };
  };

  const weights = [
    ...encoderBody.trainableWeights,
    ...meanHead.trainableWeights,
    ...logVarHead.trainableWeights,
    ...decoder.trainableWeights,
  ].map((w) => w.read() as tfType.Variable);

  const order = Array.from({ length: data.trainCount }, (_, i) => i);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (let b = 0; b < order.length; b += batchSize) {
      const idx = order.slice(b, b + batchSize);
      const xb = new Float32Array(idx.length * 784);
      idx.forEach((src, k) => xb.set(data.trainX.subarray(src * 784, (src + 1) * 784), k * 784));
      tf.tidy(() => {
        const x = tf.tensor2d(xb, [idx.length, 784]);
        const eps = gaussian(idx.length);
        optimizer.minimize(
          () => {
            const t = terms(x, eps);
            return t.recon.add(t.kl) as tfType.Scalar;
          },
          false,
          weights,
        );
      });
    }
  }

  // test ELBO: one sample of z per test image
  let recon = 0;
  let kl = 0;
  for (let b = 0; b < data.testCount; b += 500) {
    const n = Math.min(500, data.testCount - b);
    const [r, k] = tf.tidy(() => {
      const x = tf.tensor2d(data.testX.subarray(b * 784, (b + n) * 784), [n, 784]);
      const t = terms(x, gaussian(n));
      return [t.recon.mul(n), t.kl.mul(n)];
    }) as [tfType.Tensor, tfType.Tensor];
    recon += (await r.data())[0] as number;
    kl += (await k.data())[0] as number;
    r.dispose();
    k.dispose();
  }
  recon /= data.testCount;
  kl /= data.testCount;
  encoderBody.dispose();
  decoder.dispose();
  optimizer.dispose();
  // heads are layers outside a model: dispose their weights
  for (const w of [...meanHead.trainableWeights, ...logVarHead.trainableWeights]) w.dispose();
  return { epochs: options.epochs, testElbo: -(recon + kl), testRecon: recon, testKl: kl, seconds: (Date.now() - start) / 1000 };
}
