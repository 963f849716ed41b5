/**
 * The repository's structure rules that Biome cannot express, as pure functions over file paths and sources: no
 * source file over 400 lines, one file-name case (kebab-case; PascalCase only for React component files), and no
 * import circles (type-only imports count: a circle of types is still a circle of ideas).
 */
import path from 'node:path';

/** The most lines a source file may have. */
export const MAX_LINES = 400;

/** Files allowed over the limit for now, each with why (remove the entry when the file is split). */
export const OVER_LIMIT_FOR_NOW: Readonly<Record<string, string>> = {
  'scripts/scan.ts': 'the calibration work (issue 10) is splitting it',
};

/** Why a file's name breaks the naming rule, or null. Kebab-case everywhere; PascalCase only for a `.tsx` component. */
export function nameProblem(file: string): string | null {
  const base = path.basename(file);
  const stem = base.slice(0, base.indexOf('.') < 0 ? base.length : base.indexOf('.'));
  if (/^[a-z0-9]+(-[a-z0-9]+)*$/.test(stem)) return null;
  if (base.endsWith('.tsx') && /^[A-Z][A-Za-z0-9]*$/.test(stem)) return null;
  return base.endsWith('.tsx')
    ? `${file}: a component file is PascalCase, any other file kebab-case`
    : `${file}: file names are kebab-case (PascalCase only for React component .tsx files)`;
}

/** Why a file is too long, or null. */
export function lengthProblem(file: string, source: string): string | null {
  const lines = source.split('\n').length - (source.endsWith('\n') ? 1 : 0);
  if (lines <= MAX_LINES || OVER_LIMIT_FOR_NOW[file]) return null;
  return `${file}: ${lines} lines, over ${MAX_LINES}: split it by responsibility`;
}

/** The relative module specifiers a source imports or re-exports (static and dynamic, types included). */
export function relativeImports(source: string): string[] {
  const out: string[] = [];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
  for (const match of source.matchAll(pattern)) if (match[1]) out.push(match[1]);
  return out;
}

/** The import graph's circles (strongly connected components of more than one file, or a file importing itself). */
export function importCircles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  // Tarjan's algorithm, iterative so a deep graph cannot overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const circles: string[][] = [];
  let next = 0;
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work: Array<{ node: string; edge: number }> = [{ node: root, edge: 0 }];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { node: string; edge: number };
      const edges = graph.get(frame.node) ?? [];
      if (frame.edge < edges.length) {
        const to = edges[frame.edge++] as string;
        if (!graph.has(to)) continue;
        if (!index.has(to)) {
          index.set(to, next);
          low.set(to, next++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, edge: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node) as number, index.get(to) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent)
        low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(frame.node) as number));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        for (;;) {
          const member = stack.pop() as string;
          onStack.delete(member);
          component.push(member);
          if (member === frame.node) break;
        }
        const selfLoop = component.length === 1 && edges.includes(frame.node);
        if (component.length > 1 || selfLoop) circles.push(component.sort());
      }
    }
  }
  return circles;
}
