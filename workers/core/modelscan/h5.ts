/**
 * HDF5 files: a Keras legacy `.h5` (root attributes `model_config` and `training_config` hold the model's JSON
 * config, walked like config.json) or any other HDF5 file (weights), read structurally by hdf5/walk.ts.
 */
import { quote, type ScanContext } from './context';
import { openHdf5 } from './hdf5/file';
import { attributeStrings } from './hdf5/values';
import { walkHdf5 } from './hdf5/walk';
import { parseJsonText } from './json';
import { walkKerasConfig } from './keras-config';
import { hdf5SignatureOffset } from './sniff';
import type { ModelFormat } from './types';

const CONFIG_ATTRIBUTES = new Set(['model_config', 'training_config']);

export function scanHdf5(bytes: Uint8Array, ctx: ScanContext, where: string): ModelFormat {
  const at = hdf5SignatureOffset(bytes);
  if (at > 0) {
    ctx.add({
      severity: 'info',
      kind: 'unsupported',
      location: where,
      sentence: `The file starts with a ${at}-byte user block before the HDF5 superblock; the scanner did not read the user block.`,
    });
  }
  const file = openHdf5(bytes, at, ctx, where);
  let keras = false;
  walkHdf5(file, where, (path, attr) => {
    if (path !== '/' || !CONFIG_ATTRIBUTES.has(attr.name)) return;
    const location = `${where}: / (attribute ${quote(attr.name)})`;
    const strings = attributeStrings(file, attr, `${where}: /`);
    const text = strings?.length === 1 ? strings[0] : undefined;
    if (text === undefined) {
      ctx.refuse(
        'malformed',
        location,
        'The attribute is not a single string, so the model config cannot be read.',
      );
    }
    keras = true;
    walkKerasConfig(parseJsonText(text, ctx, location), ctx, location);
  });
  return keras ? 'keras-h5' : 'hdf5';
}
