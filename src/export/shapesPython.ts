/**
 * The Python that exported scripts for shapes graphs carry, shared by the
 * PyTorch and Keras writers:
 *
 * - the shapes dataset, drawn exactly as src/data/shapes.ts draws it: the
 *   same sprites, the same rounding, the same sfc32 shuffle for the split,
 *   the same order, byte for byte, with each image's factor levels;
 * - MIG, computed as src/metrics/disentanglement.ts computes it (the same
 *   equal-width binning), so a learner can score the trained codes.
 *
 * Plain Python (the standard library only): drawing the whole dataset takes
 * well under a second, because each of the 180 sprites is drawn once and
 * copied row by row to its positions. Every constant comes from the
 * TypeScript source, so the two cannot drift apart without the byte-for-byte
 * test (tests/export/shapesPython.test.ts) noticing.
 */
import {
  FIRST_POSITION,
  HALF_SIZE,
  HEART_SCALE,
  PATCH,
  SHAPES_COUNT,
  SHAPES_POSITIONS,
  SHAPES_SIZE,
  SHAPES_SPLIT_SEED,
  SHAPES_TEST_COUNT,
  shapeNames,
  shapeRotations,
  shapeScales,
  shapesFactorNames,
  shapesFactorSizes,
} from '../data/shapes';
import { migPython } from './migPython';
import { pyFloat, pyNumber, pyString, pythonLines as lines } from './python';

export { disentanglementReport, encodeMethod } from './migPython';

/** Module-level names the shapes and MIG code defines (node-derived names never take them). */
export const SHAPES_PYTHON_NAMES = [
  'SHAPES_SIZE',
  'SHAPE_NAMES',
  'SHAPE_SCALES',
  'SHAPE_ROTATIONS',
  'SHAPES_POSITIONS',
  'SHAPES_FACTOR_NAMES',
  'SHAPES_FACTOR_SIZES',
  'SHAPES_COUNT',
  'SHAPES_TEST_COUNT',
  'SHAPES_SPLIT_SEED',
  'SPRITE_HALF_SIZE',
  'SPRITE_PATCH',
  'FIRST_POSITION',
  'HEART_SCALE',
  'UINT32',
  'TRIG_STEPS',
  'MIG_BINS',
  'Sfc32',
  'shapes_permutation',
  'round_half_up',
  'box_distance',
  'ellipse_distance',
  'heart_distance',
  'signed_distance',
  'rounded_trig',
  'draw_sprite',
  'shapes_factors_of',
  'render_shapes',
  'shapes_split',
  'bin_codes',
  'entropy',
  'mutual_information',
  'mutual_information_gap',
  'report_disentanglement',
  // the Model's method that returns the codes μ (a node's network must not hide it)
  'encode',
];

const tuple = (items: ReadonlyArray<string>): string => `(${items.join(', ')})`;

/** The shapes dataset in Python: constants, the sfc32 shuffle, the sprite renderer and the split. */
export function shapesDatasetPython(): string[] {
  return lines(`
# ---------------------------------------------------------------- the shapes dataset
#
# Sprites whose true factors of variation are known (like dSprites): every combination of
# 3 shapes × 6 scales × 10 rotations × 16 x positions × 16 y positions appears exactly once,
# as a 32×32 grey image. This code draws the very same images as the browser, pixel for pixel,
# and splits them the same way, so nothing is downloaded.

SHAPES_SIZE = ${pyNumber(SHAPES_SIZE)}  # images are SHAPES_SIZE × SHAPES_SIZE, one grey channel
SHAPE_NAMES = ${tuple(shapeNames.map(pyString))}
SHAPE_SCALES = ${tuple(shapeScales.map(pyFloat))}  # relative size
SHAPE_ROTATIONS = ${tuple(shapeRotations.map(pyNumber))}  # degrees, clockwise on screen
SHAPES_POSITIONS = ${pyNumber(SHAPES_POSITIONS)}  # x and y move in one-pixel steps
SHAPES_FACTOR_NAMES = ${tuple(shapesFactorNames.map(pyString))}
SHAPES_FACTOR_SIZES = ${tuple(shapesFactorSizes.map(pyNumber))}  # levels of each factor
SHAPES_COUNT = ${pyNumber(SHAPES_COUNT)}  # every combination once
SHAPES_TEST_COUNT = ${pyNumber(SHAPES_TEST_COUNT)}  # 10% for testing: the first images of the shuffled order
SHAPES_SPLIT_SEED = ${pyNumber(SHAPES_SPLIT_SEED)}  # fixed: the split is part of the dataset
SPRITE_HALF_SIZE = ${pyFloat(HALF_SIZE)}  # half the size of a sprite at scale 1, in pixels
SPRITE_PATCH = ${pyNumber(PATCH)}  # sprites are drawn in a square tile this many pixels wide
FIRST_POSITION = ${pyNumber(FIRST_POSITION)}  # pixel of the sprite centre at position 0; position i is at FIRST_POSITION + i
HEART_SCALE = ${pyFloat(HEART_SCALE)}  # shrinks the heart curve so it spans about −1..1 like the other shapes
UINT32 = 0xFFFFFFFF  # sfc32 works on 32-bit unsigned integers
TRIG_STEPS = 16777216  # 2²⁴: cos and sin are rounded to multiples of 1 / TRIG_STEPS


class Sfc32:
    """sfc32, the small fast random number generator Bottleneck uses: the same seed gives the same numbers."""

    def __init__(self, seed):
        self.a, self.b, self.c, self.d = 0x9E3779B9, 0x243F6A88, 0xB7E15162, seed & UINT32
        for _ in range(15):  # stir the state before the first number
            self.next_uint32()

    def next_uint32(self):
        t = (self.a + self.b + self.d) & UINT32
        self.d = (self.d + 1) & UINT32
        self.a = self.b ^ (self.b >> 9)
        self.b = (self.c + (self.c << 3)) & UINT32
        self.c = ((self.c << 21) | (self.c >> 11)) & UINT32  # rotate left by 21 bits
        self.c = (self.c + t) & UINT32
        return t

    def below(self, n):
        """A whole number in 0..n−1, computed as the browser does: floor(uniform(0, 1) · n)."""
        return math.floor(self.next_uint32() / 4294967296 * n)


def shapes_permutation(n, seed):
    """0..n−1 shuffled by Fisher–Yates with sfc32: the browser's order, number for number."""
    order = list(range(n))
    rng = Sfc32(seed)
    for i in range(n - 1, 0, -1):
        j = rng.below(i + 1)
        order[i], order[j] = order[j], order[i]
    return order


def round_half_up(value):
    """Rounds a value ≥ 0 to the nearest whole number, halves up (JavaScript's Math.round; Python's round()
    sends halves to the even neighbour)."""
    whole = math.floor(value)
    return whole + 1 if value - whole >= 0.5 else whole


# Signed distances, in the sprite's own frame where its outline spans about −1..1: negative inside the
# shape, positive outside. Squares are written x * x rather than x ** 2 so every step is one exactly
# rounded operation, as in the browser.

def box_distance(u, v, half):
    """Distance to a square with half-width \`half\`."""
    qx = abs(u) - half
    qy = abs(v) - half
    ox = max(qx, 0.0)
    oy = max(qy, 0.0)
    return math.sqrt(ox * ox + oy * oy) + min(max(qx, qy), 0.0)


def ellipse_distance(u, v, a, b):
    """First-order distance to an ellipse with half-axes a and b (exact on the outline, all anti-aliasing needs)."""
    k0 = math.sqrt((u / a) * (u / a) + (v / b) * (v / b))
    k1 = math.sqrt((u / (a * a)) * (u / (a * a)) + (v / (b * b)) * (v / (b * b)))
    return k0 * (k0 - 1) / k1 if k1 > 0 else -min(a, b)


def heart_distance(u, v):
    """Exact distance to a heart made of two discs on a V, tip pointing down the image."""
    x = abs(u) * HEART_SCALE  # into the heart's own frame: y up, tip at the origin
    y = -v * HEART_SCALE + HEART_SCALE
    if x + y > 1:
        d = math.sqrt((x - 0.25) * (x - 0.25) + (y - 0.75) * (y - 0.75)) - math.sqrt(2) / 4
    else:
        a = x * x + (y - 1) * (y - 1)
        t = 0.5 * max(x + y, 0.0)
        b = (x - t) * (x - t) + (y - t) * (y - t)
        side = (x > y) - (x < y)  # the sign of x − y
        d = math.sqrt(min(a, b)) * side
    return d / HEART_SCALE


def signed_distance(shape, u, v):
    if shape == "square":
        return box_distance(u, v, 0.8)
    if shape == "ellipse":
        return ellipse_distance(u, v, 1.0, 0.5)
    return heart_distance(u, v)


def rounded_trig(degrees):
    """cos and sin rounded to multiples of 2⁻²⁴: the last bit of cos and sin differs between maths libraries,
    and rounding makes every one of them draw the same pixels."""
    radians = degrees * math.pi / 180
    return (
        round_half_up(math.cos(radians) * TRIG_STEPS) / TRIG_STEPS,
        round_half_up(math.sin(radians) * TRIG_STEPS) / TRIG_STEPS,
    )


def draw_sprite(shape, scale, degrees):
    """One sprite in a SPRITE_PATCH × SPRITE_PATCH tile of grey levels 0..255 (a bytearray, row by row).

    Anti-aliasing: a pixel's grey level is the share of the pixel the shape covers, estimated from the
    signed distance d from the pixel centre to the outline as clamp(½ − d, 0, 1).
    """
    out = bytearray(SPRITE_PATCH * SPRITE_PATCH)
    half = SPRITE_HALF_SIZE * scale
    c, s = rounded_trig(degrees)
    centre = SPRITE_PATCH / 2
    for row in range(SPRITE_PATCH):
        dy = row + 0.5 - centre
        for col in range(SPRITE_PATCH):
            dx = col + 0.5 - centre
            # rotate the pixel into the sprite's frame (image y points down: positive angles turn clockwise)
            u = (c * dx + s * dy) / half
            v = (-s * dx + c * dy) / half
            distance = signed_distance(shape, u, v) * half
            coverage = min(1.0, max(0.0, 0.5 - distance))
            out[row * SPRITE_PATCH + col] = round_half_up(coverage * 255)
    return out


def shapes_factors_of(index):
    """The factor levels (shape, scale, rotation, x, y) of image \`index\` of the full grid (shape slowest, y fastest)."""
    levels = []
    for size in reversed(SHAPES_FACTOR_SIZES):
        levels.append(index % size)
        index //= size
    return tuple(reversed(levels))


def render_shapes(indices):
    """Draws the images with these grid indices, in this order.

    Returns (pixels, factors): pixels is a bytearray of len(indices) images of SHAPES_SIZE × SHAPES_SIZE grey
    levels (0..255, image after image, row by row); factors[i] is the (shape, scale, rotation, x, y) of image i.
    """
    size = SHAPES_SIZE
    pixels = bytearray(len(indices) * size * size)
    factors = []
    sprites = {}  # positions move by whole pixels, so each (shape, scale, rotation) is drawn once and copied
    for n, index in enumerate(indices):
        shape, scale, rotation, x, y = shapes_factors_of(index)
        key = (shape, scale, rotation)
        if key not in sprites:
            sprites[key] = draw_sprite(SHAPE_NAMES[shape], SHAPE_SCALES[scale], SHAPE_ROTATIONS[rotation])
        sprite = sprites[key]
        # the tile's top-left corner in the image, and the part of the tile that lies inside the image
        left = FIRST_POSITION + x - SPRITE_PATCH // 2
        top = FIRST_POSITION + y - SPRITE_PATCH // 2
        first_col, end_col = max(0, -left), min(SPRITE_PATCH, size - left)
        for row in range(max(0, -top), min(SPRITE_PATCH, size - top)):
            start = (n * size + top + row) * size + left
            pixels[start + first_col:start + end_col] = sprite[row * SPRITE_PATCH + first_col:row * SPRITE_PATCH + end_col]
        factors.append((shape, scale, rotation, x, y))
    return pixels, factors


def shapes_split(train):
    """The training split (41,472 images) or the test split (4,608), in the browser's order.

    Both splits are in shuffled order, so the first N images of a split are a fair sample of it.
    Returns (pixels, factors) as render_shapes does.
    """
    order = shapes_permutation(SHAPES_COUNT, SHAPES_SPLIT_SEED)
    return render_shapes(order[SHAPES_TEST_COUNT:] if train else order[:SHAPES_TEST_COUNT])`);
}

/** All the Python a shapes script adds after its helpers: the dataset, then MIG. */
export function shapesPython(): string[] {
  return [...shapesDatasetPython(), '', '', ...migPython()];
}
