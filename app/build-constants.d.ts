/** Written in by Vite's `define` (vite.config.ts). */

/** The version of @tensorflow/tfjs the workers run, for manifests. */
declare const __TFJS_VERSION__: string;
