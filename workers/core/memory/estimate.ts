/**
 * Memory estimates of a training job and a scoring job, counted from what the code allocates (issue 6: "before
 * training and scoring, an estimate of memory is shown; a job over the browser's budget is refused"). Pure
 * arithmetic on shapes: no tfjs, so the app shows it before a worker starts.
 *
 * Each part names the code it counts. Parts held for the whole job add up; parts that only live during one
 * phase (a training batch, an eval chunk, a cross-validation fold, the kNN search, the embedding scores) are
 * freed before the next phase starts, so the total is the held parts plus the largest phase: the job's peak.
 * Typed arrays are counted at their byte size, tensors at 4 bytes a value (float32 and int32 alike). A
 * cross-validation fold's batch and eval chunk are counted together (one phase), which errs high. What is not
 * counted: the runtime itself, and garbage not yet collected (the app's budget leaves room for it).
 */

export { knnIsApproximate } from '../scores/knn-plan';
export {
  activationsPerSample,
  defaultEvalChunkRows,
  type MemoryEstimate,
  type MemoryPart,
  type MemoryPhase,
  type MemoryRemedy,
  type ModelShape,
  parameterCount,
  remediesFor,
} from './parts';
export { defaultKnnTileRows, estimateScoreMemory, type ScoreMemoryInput } from './score-memory';
export { estimateTrainMemory, type TrainMemoryInput } from './train-memory';
