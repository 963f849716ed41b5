/**
 * The review map's resize handle (its lower-right corner): drag it, or focus it and use the arrow keys. While
 * dragging, the map's box follows the pointer (the old drawing stretched); on release the map is drawn again at the
 * new size, once, since each drawing rasterises every point in the review worker.
 */
import { useRef } from 'react';

export interface MapSize {
  width: number;
  height: number;
}

/** The size a map starts at, and the bounds a resize keeps to, in CSS pixels. */
export const START_SIZE: MapSize = { width: 560, height: 420 };
const MIN: MapSize = { width: 240, height: 180 };
const MAX: MapSize = { width: 1600, height: 1200 };
/** Arrow keys resize in steps of this many CSS pixels. */
const KEY_STEP = 40;

function clampSize(s: MapSize): MapSize {
  const clamp = (v: number, lo: number, hi: number) => Math.round(Math.min(hi, Math.max(lo, v)));
  return { width: clamp(s.width, MIN.width, MAX.width), height: clamp(s.height, MIN.height, MAX.height) };
}

const KEYS: Readonly<Record<string, [number, number]>> = {
  ArrowRight: [KEY_STEP, 0],
  ArrowLeft: [-KEY_STEP, 0],
  ArrowDown: [0, KEY_STEP],
  ArrowUp: [0, -KEY_STEP],
};

export function MapResizeHandle({
  testId,
  size,
  onDraft,
  onCommit,
}: {
  testId: string;
  size: MapSize;
  /** The size while dragging (null when the drag ends). */
  onDraft: (size: MapSize | null) => void;
  onCommit: (size: MapSize) => void;
}) {
  const drag = useRef<{ x: number; y: number } | null>(null);
  const at = (e: React.PointerEvent) => {
    const start = drag.current ?? { x: e.clientX, y: e.clientY };
    return clampSize({ width: size.width + e.clientX - start.x, height: size.height + e.clientY - start.y });
  };
  return (
    <button
      type="button"
      className="map-resize"
      data-testid={testId}
      aria-label="Resize the map: drag this corner, or use the arrow keys"
      title="Drag to resize the map (or use the arrow keys)"
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        drag.current = { x: e.clientX, y: e.clientY };
      }}
      onPointerMove={(e) => {
        if (drag.current) onDraft(at(e));
      }}
      onPointerUp={(e) => {
        if (!drag.current) return;
        const next = at(e);
        drag.current = null;
        onDraft(null);
        onCommit(next);
      }}
      onKeyDown={(e) => {
        const step = KEYS[e.key];
        if (!step) return;
        e.preventDefault();
        onCommit(clampSize({ width: size.width + step[0], height: size.height + step[1] }));
      }}
    >
      ⇲
    </button>
  );
}
