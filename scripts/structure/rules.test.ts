import { describe, expect, it } from 'vitest';
import { importCircles, lengthProblem, MAX_LINES, nameProblem, relativeImports } from './rules';

describe('structure rules', () => {
  it('allows kebab-case everywhere and PascalCase only for .tsx components', () => {
    expect(nameProblem('app/controllers/worker-client.ts')).toBeNull();
    expect(nameProblem('workers/review.service.test.ts')).toBeNull();
    expect(nameProblem('app/views/ReviewTable.tsx')).toBeNull();
    expect(nameProblem('app/main.tsx')).toBeNull();
    expect(nameProblem('app/state/reviewSlice.ts')).toMatch(/kebab-case/);
    expect(nameProblem('app/views/Review.ts')).toMatch(/kebab-case/);
    expect(nameProblem('app/views/review_table.tsx')).toMatch(/PascalCase/);
  });

  it('counts lines, with or without a final line break', () => {
    const lines = (n: number) => 'x\n'.repeat(n);
    expect(lengthProblem('a.ts', lines(MAX_LINES))).toBeNull();
    expect(lengthProblem('a.ts', `${lines(MAX_LINES)}x`)).toMatch(/401 lines/);
    expect(lengthProblem('scripts/scan.ts', lines(MAX_LINES + 9))).toBeNull();
  });

  it('reads relative imports, re-exports, type imports and dynamic imports, not packages', () => {
    const source = [
      "import { a } from './a';",
      "import type { B } from '../b';",
      "export { c } from './c';",
      "import './side-effect';",
      "const d = await import('./d');",
      "import * as tf from '@tensorflow/tfjs';",
    ].join('\n');
    expect(relativeImports(source)).toEqual(['./a', '../b', './c', './side-effect', './d']);
  });

  it('finds every circle, self-imports included, and nothing in a tree', () => {
    const graph = new Map<string, string[]>([
      ['a', ['b']],
      ['b', ['c', 'x']],
      ['c', ['a']],
      ['d', ['d']],
      ['e', ['a']],
    ]);
    expect(importCircles(graph)).toEqual([['a', 'b', 'c'], ['d']]);
    expect(
      importCircles(
        new Map([
          ['a', ['b']],
          ['b', []],
        ]),
      ),
    ).toEqual([]);
  });
});
