export function App() {
  return (
    <main data-state="idle">
      <h1>Sift</h1>
      <p>Find poisoned and mislabeled samples in a training set. Nothing leaves this browser.</p>
    </main>
  );
}
