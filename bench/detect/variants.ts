/**
 * The poisoned variants bench/detect scores: the clean rows of three development sets (rows whose truth says clean),
 * poisoned by every attack of attacks.ts and two mixtures, each at two rates, with seeds of their own.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DATASETS } from '../dev-data';
import {
  attackRng,
  blendBackdoor,
  cleanVariant,
  conflictingDuplicates,
  featureBackdoor,
  flipPairs,
  flipUniform,
  patchBackdoor,
  scrambledOutliers,
  type Table,
  type Variant,
} from './attacks';

/** A development set's clean rows (truth poisoned = 0) as a table. */
export function cleanBase(name: string): Table {
  const dir = path.join(DATASETS, name);
  const truth = new Map<string, number>();
  for (const line of readFileSync(path.join(dir, `${name}.truth.csv`), 'utf8')
    .split('\n')
    .slice(1)) {
    const [id, flag] = line.split(',');
    if (id) truth.set(id, Number(flag));
  }
  const lines = readFileSync(path.join(dir, `${name}.csv`), 'utf8')
    .split('\n')
    .filter(Boolean);
  const featureCount = lines[0].split(',').length - 2;
  const features: number[] = [];
  const labels: number[] = [];
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    if (truth.get(cells[0]) !== 0) continue;
    labels.push(Number(cells[1]));
    for (let j = 0; j < featureCount; j++) features.push(Number(cells[j + 2]));
  }
  return {
    features: Float32Array.from(features),
    featureCount,
    labels: Int32Array.from(labels),
    classCount: Math.max(...labels) + 1,
  };
}

/** One poisoned variant to build: base set, attack, rate, seed. */
export interface VariantSpec {
  name: string;
  base: 'digits' | 'breast_cancer' | 'synth20k';
  attack: string;
  rate: number;
  build(base: Table): Variant;
}

const BASES = {
  digits: 'digits_flip5',
  breast_cancer: 'breast_cancer_flip10',
  synth20k: 'synth20k_flip',
} as const;

/** The dataset each base's clean rows come from. */
export function baseSet(base: VariantSpec['base']): string {
  return BASES[base];
}

type Attack = {
  name: string;
  rates: [number, number];
  images?: boolean;
  make(v: Variant, rate: number, seed: number): Variant;
};

const ATTACKS: Attack[] = [
  {
    name: 'flip',
    rates: [0.04, 0.12],
    make: (v, r, s) => {
      flipUniform(v, r, attackRng(s));
      return v;
    },
  },
  {
    name: 'pair-flip',
    rates: [0.03, 0.08],
    make: (v, r, s) => {
      flipPairs(v, r, attackRng(s));
      return v;
    },
  },
  {
    name: 'feature-backdoor',
    rates: [0.01, 0.03],
    make: (v, r, s) => {
      featureBackdoor(v, r, attackRng(s), v.featureCount > 40 ? 6 : 3);
      return v;
    },
  },
  {
    name: 'outlier',
    rates: [0.01, 0.04],
    make: (v, r, s) => {
      scrambledOutliers(v, r, attackRng(s));
      return v;
    },
  },
  { name: 'duplicate', rates: [0.02, 0.06], make: (v, r, s) => conflictingDuplicates(v, r, attackRng(s)) },
  {
    name: 'patch-backdoor',
    rates: [0.01, 0.03],
    images: true,
    make: (v, r, s) => {
      patchBackdoor(v, r, attackRng(s), Math.sqrt(v.featureCount));
      return v;
    },
  },
  {
    name: 'blend-backdoor',
    rates: [0.02, 0.05],
    images: true,
    make: (v, r, s) => {
      blendBackdoor(v, r, attackRng(s), Math.sqrt(v.featureCount));
      return v;
    },
  },
  {
    name: 'flip+feature-backdoor',
    rates: [0.03, 0.06],
    make: (v, r, s) => {
      flipUniform(v, r, attackRng(s));
      featureBackdoor(v, r / 2, attackRng(s + 1), 4);
      return v;
    },
  },
  {
    name: 'outlier+pair-flip',
    rates: [0.02, 0.05],
    make: (v, r, s) => {
      scrambledOutliers(v, r / 2, attackRng(s));
      flipPairs(v, r, attackRng(s + 1));
      return v;
    },
  },
];

/** Every variant, in a fixed order; attack seeds start at 424242 (the canaries default to 7919). */
export function variantSpecs(): VariantSpec[] {
  const out: VariantSpec[] = [];
  let seed = 424_242;
  for (const base of ['digits', 'breast_cancer', 'synth20k'] as const) {
    for (const attack of ATTACKS) {
      if (attack.images && base !== 'digits') continue;
      for (const rate of attack.rates) {
        const s = seed++;
        out.push({
          name: `${base}/${attack.name}@${rate}`,
          base,
          attack: attack.name,
          rate,
          build: (table) => attack.make(cleanVariant(table), rate, s),
        });
      }
    }
  }
  return out;
}

/** Writes a variant as a CSV (`id,label,f0..`, ids `r0..`, values to 6 significant digits). */
export function writeCsv(file: string, v: Pick<Variant, 'features' | 'featureCount' | 'labels'>): void {
  const f = v.featureCount;
  const lines = [['id', 'label', ...Array.from({ length: f }, (_, j) => `f${j}`)].join(',')];
  for (let i = 0; i < v.labels.length; i++) {
    const cells = Array.from(v.features.subarray(i * f, (i + 1) * f), (x) =>
      String(Number(x.toPrecision(6))),
    );
    lines.push([`r${i}`, String(v.labels[i]), ...cells].join(','));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}
