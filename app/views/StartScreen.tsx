import { DatasetList } from './DatasetList';
import { DropZone } from './DropZone';
import { ImportOutcome } from './ImportOutcome';
import { ModelScanPanel } from './model-scan/ModelScanPanel';
import { useImageImport, useIngest } from './session-context';

/** Where every session starts: bring a file, open the demo, or reopen a stored dataset. */
export function StartScreen() {
  const workbench = useIngest();
  const images = useImageImport();
  return (
    <div className="start">
      <ImportOutcome />
      <section className="panel" aria-labelledby="start-new">
        <h2 id="start-new">Import a dataset</h2>
        <DropZone />
        <p className="demo">
          <button type="button" onClick={() => void workbench.openDemo()}>
            Open the demo dataset
          </button>{' '}
          <span className="muted">
            Handwritten digits (1,797 rows of 8×8 pixels) with a planted backdoor in 3% of them.
          </span>
        </p>
        <p className="demo">
          <button type="button" onClick={() => void images.openDemo()}>
            Open the image demo
          </button>{' '}
          <span className="muted">
            400 Fashion-MNIST images (28×28, grey) in a zip, 16 of them with a planted 3×3 checkerboard and
            relabelled Bag.
          </span>
        </p>
      </section>
      <DatasetList />
      <ModelScanPanel />
    </div>
  );
}
