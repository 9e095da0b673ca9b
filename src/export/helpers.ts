/**
 * The small definitions node code calls (reparameterize, kl_per_dimension …),
 * per target framework. A script defines each one its nodes ask for, once,
 * in the order listed here, so scripts read the same whatever the graph.
 */
/** The frameworks a graph exports to. */
export type ExportTarget = 'pytorch' | 'keras';

export const helperNames = [
  'HALF_LOG_2PI',
  'LOG_2',
  'leaky_relu',
  'scalar_variable',
  'flatten_hwc',
  'unflatten_hwc',
  'glorot_init',
  'sum_pixels',
  'sum_pixels_mean_batch',
  'reparameterize',
  'kl_per_dimension',
  'continuous_bernoulli_log_norm',
] as const;
export type HelperName = (typeof helperNames)[number];

type Catalog = Partial<Record<HelperName, string[]>>;

const shared: Catalog = {
  HALF_LOG_2PI: ['HALF_LOG_2PI = 0.9189385332046727  # ½ log 2π'],
  LOG_2: ['LOG_2 = 0.6931471805599453'],
};

const pytorch: Catalog = {
  ...shared,
  flatten_hwc: [
    'def flatten_hwc(h):',
    '    """Flattens [B, C, H, W] in height-width-channel order, as the browser (channels last) does."""',
    '    return h.permute(0, 2, 3, 1).reshape(h.shape[0], -1)',
  ],
  unflatten_hwc: [
    'def unflatten_hwc(h, height, width, channels):',
    '    """The inverse of flatten_hwc: [B, H·W·C] → [B, C, H, W]."""',
    '    return h.reshape(-1, height, width, channels).permute(0, 3, 1, 2)',
  ],
  glorot_init: [
    'def glorot_init(module):',
    '    """Glorot-uniform weights and zero biases: the browser\'s (and Keras\') initialisation."""',
    '    for m in module.modules():',
    '        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):',
    '            nn.init.xavier_uniform_(m.weight)',
    '            nn.init.zeros_(m.bias)',
  ],
  sum_pixels: [
    'def sum_pixels(per_pixel):',
    '    """Sums a per-pixel loss over each image: [B, C, H, W] → [B]."""',
    '    return per_pixel.flatten(1).sum(1)',
  ],
  reparameterize: [
    'def reparameterize(mean, log_var):',
    '    """z = μ + exp(½·log σ²)·ε, ε ~ N(0, I): the randomness is in ε, so gradients flow through μ and σ."""',
    '    return mean + torch.exp(0.5 * log_var) * torch.randn_like(mean)',
  ],
  kl_per_dimension: [
    'def kl_per_dimension(mean, log_var):',
    '    """KL(N(μ, σ²) ‖ N(0, 1)) = ½(μ² + σ² − log σ² − 1) per latent dimension, averaged over the batch."""',
    '    return (0.5 * (mean.square() + log_var.exp() - log_var - 1)).mean(0)',
  ],
  continuous_bernoulli_log_norm: [
    'def continuous_bernoulli_log_norm(logits):',
    '    """log C(λ) of the continuous Bernoulli, λ = sigmoid(l): C = l / tanh(l/2), which tends to 2 as l → 0."""',
    '    eps = 1e-2',
    '    a = logits.abs()',
    '    near = a < eps',
    '    safe = torch.where(near, torch.full_like(a, eps), a)',
    '    exact = torch.log(safe) - torch.log(torch.tanh(0.5 * safe))',
    '    taylor = LOG_2 + logits.square() / 12',
    '    return torch.where(near, taylor, exact)',
  ],
};

const keras: Catalog = {
  ...shared,
  leaky_relu: [
    'def leaky_relu(x):',
    '    """Leaky ReLU with slope 0.2 below zero, as in the browser."""',
    '    return tf.nn.leaky_relu(x, alpha=0.2)',
  ],
  scalar_variable: [
    'def scalar_variable(value, name):',
    '    """A trainable scalar weight (Keras 3 tracks keras.Variable; Keras 2 a tf.Variable)."""',
    '    if hasattr(keras, "Variable"):',
    '        return keras.Variable(value, dtype="float32", name=name)',
    '    return tf.Variable(value, dtype=tf.float32, name=name)',
  ],
  sum_pixels_mean_batch: [
    'def sum_pixels_mean_batch(per_pixel):',
    '    """Sums a per-pixel loss over each image, then averages over the batch."""',
    '    return tf.reduce_mean(tf.reduce_sum(per_pixel, axis=[1, 2, 3]))',
  ],
  reparameterize: [
    'def reparameterize(mean, log_var):',
    '    """z = μ + exp(½·log σ²)·ε, ε ~ N(0, I): the randomness is in ε, so gradients flow through μ and σ."""',
    '    return mean + tf.exp(0.5 * log_var) * tf.random.normal(tf.shape(mean))',
  ],
  kl_per_dimension: [
    'def kl_per_dimension(mean, log_var):',
    '    """KL(N(μ, σ²) ‖ N(0, 1)) = ½(μ² + σ² − log σ² − 1) per latent dimension, averaged over the batch."""',
    '    return tf.reduce_mean(0.5 * (tf.square(mean) + tf.exp(log_var) - log_var - 1.0), axis=0)',
  ],
  continuous_bernoulli_log_norm: [
    'def continuous_bernoulli_log_norm(logits):',
    '    """log C(λ) of the continuous Bernoulli, λ = sigmoid(l): C = l / tanh(l/2), which tends to 2 as l → 0."""',
    '    eps = 1e-2',
    '    a = tf.abs(logits)',
    '    near = a < eps',
    '    safe = tf.where(near, tf.ones_like(a) * eps, a)',
    '    exact = tf.math.log(safe) - tf.math.log(tf.tanh(0.5 * safe))',
    '    taylor = LOG_2 + tf.square(logits) / 12.0',
    '    return tf.where(near, taylor, exact)',
  ],
};

const catalogs: Record<ExportTarget, Catalog> = { pytorch, keras };

/** The definitions asked for, in the catalogue's order, two blank lines apart. */
export function helperLines(target: ExportTarget, wanted: ReadonlySet<HelperName>): string[] {
  const blocks = helperNames
    .filter((n) => wanted.has(n))
    .map((n) => {
      const block = catalogs[target][n];
      if (!block) throw new Error(`the ${target} scripts have no helper '${n}'`);
      return block;
    });
  return blocks.flatMap((block, i) => (i === 0 ? block : ['', '', ...block]));
}
