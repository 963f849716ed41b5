import { FileDrop } from './FileDrop';
import { useIngest, useVerifier } from './session-context';

/** A drop target and a file picker for one CSV (or a manifest and its clean CSV, which open verification). */
export function DropZone() {
  const workbench = useIngest();
  const verifier = useVerifier();
  return (
    <FileDrop
      label="Drop zone"
      inputLabel="CSV file"
      prompt="Drop a CSV here or"
      chooseLabel="choose a file"
      accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values"
      multiple
      onFiles={(files) => {
        // A manifest (told by its content, whatever its name) opens verification; anything else is imported.
        void verifier.route(files).then((verified) => {
          const file = files[0];
          if (!verified && file) void workbench.chooseFile(file);
        });
      }}
    >
      <p className="muted">A header row, a label column and numeric features. Comma, semicolon or tab.</p>
    </FileDrop>
  );
}
