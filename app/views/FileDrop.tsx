import { type ReactNode, useId, useRef, useState } from 'react';

/** A drop target with a hidden file picker behind a "choose" button; `onFiles` gets what was dropped or chosen. */
export function FileDrop(props: {
  label: string;
  inputLabel: string;
  /** The words before the button ("Drop a CSV here or") and the button's ("choose a file"). */
  prompt: string;
  chooseLabel: string;
  accept?: string;
  multiple?: boolean;
  testId?: string;
  onFiles: (files: File[]) => void;
  /** Sees a drop first (synchronously, while its items are readable); true when it took the drop. */
  onDropTransfer?: (transfer: DataTransfer) => boolean;
  children: ReactNode;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const inputId = useId();
  const take = (list: FileList | null) => {
    const files = [...(list ?? [])];
    if (files.length > 0) props.onFiles(files);
  };
  return (
    <section
      className={over ? 'dropzone dropzone-over' : 'dropzone'}
      aria-label={props.label}
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(event) => {
        event.preventDefault();
        setOver(false);
        if (props.onDropTransfer?.(event.dataTransfer)) return;
        take(event.dataTransfer.files);
      }}
    >
      <p>
        {props.prompt}{' '}
        <button type="button" className="link" onClick={() => input.current?.click()}>
          {props.chooseLabel}
        </button>
      </p>
      {props.children}
      <label className="visually-hidden" htmlFor={inputId}>
        {props.inputLabel}
      </label>
      <input
        id={inputId}
        ref={input}
        className="visually-hidden"
        type="file"
        accept={props.accept}
        multiple={props.multiple}
        data-testid={props.testId}
        onChange={(event) => {
          take(event.currentTarget.files);
          // Reset so choosing the same file again still fires a change.
          event.currentTarget.value = '';
        }}
      />
    </section>
  );
}
