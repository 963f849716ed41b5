import { FileDrop } from './FileDrop';
import { useIngest } from './session-context';

/** A drop target and a file picker for one CSV. */
export function DropZone() {
  const workbench = useIngest();
  return (
    <FileDrop
      label="Drop zone"
      inputLabel="CSV file"
      prompt="Drop a CSV here or"
      chooseLabel="choose a file"
      accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values"
      onFiles={(files) => {
        const file = files[0];
        if (file) void workbench.chooseFile(file);
      }}
    >
      <p className="muted">A header row, a label column and numeric features. Comma, semicolon or tab.</p>
    </FileDrop>
  );
}
