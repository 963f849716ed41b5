/**
 * The image dataset as the rest of Sift sees it: the same typed-array training data as a CSV (rows × features,
 * Float32), with the pixels scaled to [0, 1] in H × W × C order and the image shape carried along, so the CNN,
 * the recorder, every score family, checkpoints and the canaries' patch and blend triggers all read one shape.
 */
import type { TrainingData } from '../../train/types';
import type { ImageDataset } from './types';

/** The pixels as features in [0, 1] (value / 255), row-major, H × W × C per row. */
export function pixelFeatures(pixels: Uint8Array): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i] / 255;
  return out;
}

/** Training data of an image dataset: features in [0, 1] and the image shape. */
export function imageTrainingData(
  ds: Pick<ImageDataset, 'pixels' | 'labels' | 'classes' | 'shape'>,
): TrainingData {
  const { height, width, channels } = ds.shape;
  return {
    features: pixelFeatures(ds.pixels),
    featureCount: height * width * channels,
    labels: ds.labels,
    classCount: ds.classes.length,
    image: { height, width, channels },
  };
}

/** One name per pixel value, row-major: "y,x" for one channel, "y,x,c" for three. */
export function pixelNames(shape: ImageDataset['shape']): string[] {
  const names: string[] = [];
  for (let y = 0; y < shape.height; y++)
    for (let x = 0; x < shape.width; x++)
      if (shape.channels === 1) names.push(`${y},${x}`);
      else for (let c = 0; c < shape.channels; c++) names.push(`${y},${x},${'RGB'[c]}`);
  return names;
}
