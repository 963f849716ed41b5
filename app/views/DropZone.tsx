import { type DragEvent, useId, useRef, useState } from 'react';
import { useIngest } from './session-context';

/** A drop target and a file picker for one CSV. */
export function DropZone() {
  const workbench = useIngest();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const inputId = useId();
  const choose = (files: FileList | null) => {
    const file = files?.[0];
    if (file) void workbench.chooseFile(file);
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    choose(event.dataTransfer.files);
  };
  return (
    <section
      className={over ? 'dropzone dropzone-over' : 'dropzone'}
      aria-label="Drop zone"
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <p>
        Drop a CSV here or{' '}
        <button type="button" className="link" onClick={() => input.current?.click()}>
          choose a file
        </button>
      </p>
      <p className="muted">A header row, a label column and numeric features. Comma, semicolon or tab.</p>
      <label className="visually-hidden" htmlFor={inputId}>
        CSV file
      </label>
      <input
        id={inputId}
        ref={input}
        className="visually-hidden"
        type="file"
        accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values"
        onChange={(event) => {
          choose(event.currentTarget.files);
          // Reset so choosing the same file again still fires a change.
          event.currentTarget.value = '';
        }}
      />
    </section>
  );
}
