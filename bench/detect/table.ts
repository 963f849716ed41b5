/**
 * Prints bench/results/detect.json as the README's Markdown tables: the development sets, then the mean per base
 * and per attack over the generated variants (AUROC / AP / top-k precision of the calibrated and the uncalibrated
 * suspicion, and of the best single score picked with the truth).
 *   npx tsx bench/detect/table.ts
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface Q {
  auroc: number;
  ap: number;
  topK: number;
}
interface SetResult {
  set: string;
  attack: string;
  poisoned: number;
  calibrated: Q & { estimate: number };
  uncalibrated: Q;
  bestScore: Q & { name: string };
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const results = JSON.parse(readFileSync(path.join(ROOT, 'bench/results/detect.json'), 'utf8')) as {
  sets: SetResult[];
  date: string;
  loadAverage: number[];
};

const f = (q: Q) => `${q.auroc.toFixed(3)} / ${q.ap.toFixed(3)} / ${q.topK.toFixed(2)}`;
const mean = (rs: SetResult[], pick: (r: SetResult) => Q): Q => {
  const m = (g: (q: Q) => number) => rs.reduce((s, r) => s + g(pick(r)), 0) / Math.max(1, rs.length);
  return { auroc: m((q) => q.auroc), ap: m((q) => q.ap), topK: m((q) => q.topK) };
};

const dev = results.sets.filter((r) => !r.set.includes('/'));
console.log('| set | poisoned (estimate) | calibrated | uncalibrated | best single score |');
console.log('|---|---|---|---|---|');
for (const r of dev) {
  console.log(
    `| ${r.set} | ${r.poisoned} (${r.calibrated.estimate}) | ${f(r.calibrated)} | ${f(r.uncalibrated)} | ${f(r.bestScore)} (${r.bestScore.name}) |`,
  );
}
const generated = results.sets.filter((r) => r.set.includes('/'));
const groups = new Map<string, SetResult[]>();
for (const r of generated) {
  const base = r.set.split('/')[0];
  for (const key of [`all ${base}`, r.attack]) groups.set(key, [...(groups.get(key) ?? []), r]);
}
console.log('');
console.log('| variants | sets | calibrated | uncalibrated | best single score |');
console.log('|---|---|---|---|---|');
const row = (name: string, rs: SetResult[]) =>
  console.log(
    `| ${name} | ${rs.length} | ${f(mean(rs, (r) => r.calibrated))} | ${f(mean(rs, (r) => r.uncalibrated))} | ${f(mean(rs, (r) => r.bestScore))} |`,
  );
row('every variant', generated);
for (const [name, rs] of groups) row(name, rs);
console.log(
  `\n(${results.date}, load average ${results.loadAverage.map((v) => v.toFixed(1)).join(' / ')} at the start)`,
);
