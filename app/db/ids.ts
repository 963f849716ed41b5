/** The keys of Sift's stores that records of other stores refer to. */

/** Branded so a dataset's key is not mixed up with other strings (file names, run ids). */
export type DatasetId = string & { readonly __brand: 'DatasetId' };
