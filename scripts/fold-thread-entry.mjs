// Entry of a scan fold thread (scripts/fold-threads.ts): loads the TypeScript thread through tsx, whatever loader the
// parent was started with (tsx for `npm run scan`, Vite's for Vitest).
import { tsImport } from 'tsx/esm/api';

await tsImport('./fold-thread.ts', import.meta.url);
