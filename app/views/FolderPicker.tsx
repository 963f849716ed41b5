import { useEffect, useRef } from 'react';

/** A link-button that opens the browser's folder picker (a hidden `webkitdirectory` input); `onFiles` gets its files. */
export function FolderPicker(props: {
  /** The button's words ("Choose a folder") and the hidden input's label. */
  buttonText: string;
  inputLabel: string;
  testId: string;
  onFiles: (files: File[]) => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // Not in React's attribute types: the folder picker of every current browser.
    input.current?.setAttribute('webkitdirectory', '');
  }, []);
  return (
    <>
      <button type="button" className="link" onClick={() => input.current?.click()}>
        {props.buttonText}
      </button>
      <label className="visually-hidden">
        {props.inputLabel}
        <input
          ref={input}
          type="file"
          multiple
          data-testid={props.testId}
          onChange={(event) => {
            const files = [...(event.currentTarget.files ?? [])];
            // Reset so choosing the same folder again still fires a change.
            event.currentTarget.value = '';
            if (files.length > 0) props.onFiles(files);
          }}
        />
      </label>
    </>
  );
}
