/**
 * Loss-trajectory scores (DESIGN §3), from the per-epoch values the trainer records for every sample.
 * O(N·E) loops over epoch-major arrays (value of sample i at epoch e at [e·N + i]); no tensors needed.
 */

/** The per-epoch inputs of the trajectory scores: a subset of `TrainingDynamics`. */
export interface TrajectoryInput {
  samples: number;
  epochs: number;
  probAssigned: Float32Array;
  margin: Float32Array;
  loss: Float32Array;
  correct: Uint8Array;
}

/** The trajectory family, each Float32Array(N), higher = more suspicious (confidence/variability are map axes). */
export interface TrajectoryScores {
  aum: Float32Array;
  meanLoss: Float32Array;
  forgetting: Float32Array;
  cartography: Float32Array;
  confidence: Float32Array;
  variability: Float32Array;
}

function check(input: TrajectoryInput): void {
  const { samples: n, epochs: e } = input;
  if (e < 1) throw new RangeError('Trajectory scores need at least one recorded epoch.');
  for (const [name, arr] of [
    ['probAssigned', input.probAssigned],
    ['margin', input.margin],
    ['loss', input.loss],
    ['correct', input.correct],
  ] as const) {
    if (arr.length !== n * e)
      throw new RangeError(`${name} has ${arr.length} values, expected E×N = ${e * n}.`);
  }
}

/**
 * All trajectory scores in one pass: AUM = -mean_e margin (Pleiss et al. 2020); mean loss; forgetting events
 * (Toneva et al. 2019: epochs e with correct_{e-1} and not correct_e; a sample never correct counts E);
 * cartography confidence = mean_e p_e, variability = population std_e p_e, score = 1 - confidence
 * (Swayamdipta et al. 2020).
 */
export function trajectoryScores(input: TrajectoryInput): TrajectoryScores {
  check(input);
  const { samples: n, epochs: E, probAssigned, margin, loss, correct } = input;
  const aum = new Float32Array(n);
  const meanLoss = new Float32Array(n);
  const forgetting = new Float32Array(n);
  const cartography = new Float32Array(n);
  const confidence = new Float32Array(n);
  const variability = new Float32Array(n);
  // Float64 accumulators: E can be in the hundreds and float32 sums drift.
  const sumMargin = new Float64Array(n);
  const sumLoss = new Float64Array(n);
  const sumP = new Float64Array(n);
  const sumP2 = new Float64Array(n);
  const forgets = new Int32Array(n);
  const everCorrect = new Uint8Array(n);
  for (let e = 0; e < E; e++) {
    const o = e * n;
    for (let i = 0; i < n; i++) {
      const p = probAssigned[o + i];
      sumMargin[i] += margin[o + i];
      sumLoss[i] += loss[o + i];
      sumP[i] += p;
      sumP2[i] += p * p;
      const c = correct[o + i];
      if (c) everCorrect[i] = 1;
      else if (e > 0 && correct[o - n + i]) forgets[i]++;
    }
  }
  for (let i = 0; i < n; i++) {
    aum[i] = -sumMargin[i] / E;
    meanLoss[i] = sumLoss[i] / E;
    forgetting[i] = everCorrect[i] ? forgets[i] : E;
    const mean = sumP[i] / E;
    confidence[i] = mean;
    cartography[i] = 1 - mean;
    // Two-pass would be more accurate; p is in [0, 1] so the one-pass form loses little, and it is clamped at 0.
    variability[i] = Math.sqrt(Math.max(0, sumP2[i] / E - mean * mean));
  }
  return { aum, meanLoss, forgetting, cartography, confidence, variability };
}
