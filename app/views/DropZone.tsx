import { useEffect, useRef } from 'react';
import { errorText } from '../../workers/core/error-text';
import { FileDrop } from './FileDrop';
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
  const folderInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // Not in React's attribute types: the folder picker of every current browser.
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);
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
        <button type="button" className="link" onClick={() => folderInput.current?.click()}>
          Choose a folder
        </button>
      </p>
      <label className="visually-hidden">
        Image folder
        <input
          ref={folderInput}
          type="file"
          multiple
          data-testid="folder-input"
          onChange={(event) => {
            void images.choose([...(event.currentTarget.files ?? [])]);
            event.currentTarget.value = '';
          }}
        />
      </label>
    </FileDrop>
  );
}
