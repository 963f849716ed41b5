import { FileDrop } from '../FileDrop';
import { useVerifier } from '../session-context';

/** A drop (and picker) for a manifest and its clean CSV; the files are told apart by content. */
export function ManifestDrop({ prompt, note }: { prompt: string; note: string }) {
  const verifier = useVerifier();
  return (
    <FileDrop
      label="Verify drop zone"
      inputLabel="Manifest and clean CSV"
      prompt={prompt}
      chooseLabel="choose them"
      multiple
      testId="verify-input"
      onFiles={(files) => void verifier.route(files)}
    >
      <p className="muted">{note}</p>
    </FileDrop>
  );
}
