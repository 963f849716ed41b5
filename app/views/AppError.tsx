import { useApp } from './session-context';

/** An app-level failure (storage, worker start-up), dismissible. */
export function AppError() {
  const error = useApp((s) => s.error);
  const setError = useApp((s) => s.setError);
  if (error === null) return null;
  return (
    <div className="notice notice-error" role="alert">
      <p>{error}</p>
      <button type="button" className="link" onClick={() => setError(null)}>
        Dismiss
      </button>
    </div>
  );
}
