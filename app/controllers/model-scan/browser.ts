/** The model-scan controller as the page builds it: the real worker, the profile's signing key, blob: URLs. */
import { version } from '../../../package.json';
import { profileSigningKey } from '../../db/keys';
import { startModelScanWorker } from './client';
import { ModelScanController } from './controller';

export function createBrowserModelScan(): ModelScanController {
  return new ModelScanController({
    start: startModelScanWorker,
    signingKey: () => profileSigningKey(),
    version,
    makeUrl: (blob) => URL.createObjectURL(blob),
    revokeUrl: (url) => URL.revokeObjectURL(url),
  });
}
