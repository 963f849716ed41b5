import { errorText } from '../../workers/core/error-text';
import { FileDrop } from './FileDrop';
import { FolderPicker } from './FolderPicker';
import { droppedDirectory, readDroppedFolder } from './images/dropped-folder';
import { useApp, useImageImport, useVerifier } from './session-context';

/**
 * A drop target and pickers for a dataset: one CSV, one zip of images, or a folder of images (dropped, or chosen
 * with the folder picker). The image controller tells a zip from a CSV by its first bytes. A manifest dropped here
 * (told by its content, whatever its name), with its clean CSV or zip, opens verification instead.
 */
export function DropZone() {
  const images = useImageImport();
  const verifier = useVerifier();
  const setError = useApp((s) => s.setError);
  return (
    <FileDrop
      label="Drop zone"
      inputLabel="CSV file or image zip"
      prompt="Drop a CSV, a zip of images or a folder of images here, or"
      chooseLabel="choose a file"
      accept=".csv,.tsv,.txt,.zip,text/csv,text/tab-separated-values,application/zip"
      multiple
      onFiles={(files) => {
        void verifier.route(files).then((verified) => {
          if (!verified) void images.choose(files);
        });
      }}
      onDropTransfer={(transfer) => {
        const directory = droppedDirectory(transfer);
        if (!directory) return false;
        readDroppedFolder(directory, images.maxFolderEntries()).then(
          (folder) => images.chooseFolder(folder.name, folder.files, folder.paths),
          (error: unknown) => setError(errorText(error)),
        );
        return true;
      }}
    >
      <p className="muted">
        A CSV: a header row, a label column and numeric features (comma, semicolon or tab). Images (PNG, JPEG,
        GIF, BMP, WebP): one folder per class, or a labels CSV (path,label) beside them.{' '}
        <FolderPicker
          buttonText="Choose a folder"
          inputLabel="Image folder"
          testId="folder-input"
          onFiles={(files) => void images.choose(files)}
        />
      </p>
    </FileDrop>
  );
}
