/** The keys of Sift's stores that records of other stores (and the workers' contracts) refer to. */

/** Branded so a dataset's key is not mixed up with other strings (file names, run ids). */
export type DatasetId = string & { readonly __brand: 'DatasetId' };

/** One training run, here, in the train worker's contract and in IndexedDB. Branded so it is not mixed up with dataset ids. */
export type RunId = string & { readonly __brand: 'RunId' };

/** One scoring of a run, here, in the score worker's contract and in IndexedDB. */
export type ScoreJobId = string & { readonly __brand: 'ScoreJobId' };
