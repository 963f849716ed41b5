import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import {
  differenceRgba,
  drawRgba,
  largestDifference,
  markedRgba,
  type PixelShape,
} from '../../charts/pixels';
import { useApp, useReviewer } from '../session-context';
import { RowThumbnail } from './Thumbnail';

/** A review sample's small thumbnail where the dataset is images (table rows, neighbours, influence lists). */
export function SampleThumb(props: { row: number; id: string; size?: number }) {
  const shape = useApp((s) => s.review.summary?.image ?? null);
  if (!shape) return null;
  return <RowThumbnail row={props.row} shape={shape} label={`Image ${props.id}`} size={props.size ?? 24} />;
}

/** RGBA pixels at the image's own size in a figure 168 pixels wide, scaled up with its pixel edges. */
function PixelFigure(props: {
  rgba: Uint8ClampedArray<ArrayBuffer> | null;
  shape: PixelShape;
  label: string;
  testId: string;
  children: ReactNode;
}) {
  const { rgba, shape } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (canvas.current && rgba) drawRgba(canvas.current, rgba, shape);
  }, [rgba, shape]);
  return (
    <figure>
      <canvas
        ref={canvas}
        className="pixel-image"
        role="img"
        aria-label={props.label}
        data-testid={props.testId}
        data-drawn={rgba !== null}
        width={shape.width}
        height={shape.height}
        style={{ width: 168, height: (168 * shape.height) / shape.width }}
      />
      <figcaption>{props.children}</figcaption>
    </figure>
  );
}

/**
 * The focused image large, with pixel edges, and beside it its difference from its class's mean image (red brighter,
 * blue darker than the mean): a patch the other images of its class lack stands out there. When the image belongs to
 * a lifted group of shared values, a third figure marks the pixels whose values the group shares.
 */
export function ImageEvidence(props: {
  row: number;
  id: string;
  label: string;
  shape: PixelShape;
  /** The lifted group of shared values that holds the image, or null. */
  group: { rows: number; columns: readonly number[] } | null;
}) {
  const { row, id, label, shape, group } = props;
  const reviewer = useReviewer();
  const classes = useApp((s) => s.review.summary?.classes ?? []);
  const code = classes.indexOf(label);
  const [pair, setPair] = useState<{ row: number; pixels: Uint8Array; mean: Uint8Array } | null>(null);
  useEffect(() => {
    let live = true;
    void Promise.all([reviewer.thumbnail(row), code >= 0 ? reviewer.classMean(code) : null]).then(
      ([pixels, mean]) => {
        if (live && pixels && mean) setPair({ row, pixels, mean });
      },
    );
    return () => {
      live = false;
    };
  }, [reviewer, row, code]);
  const shown = pair?.row === row ? pair : null;
  const difference = useMemo(() => shown && differenceRgba(shown.pixels, shown.mean, shape), [shown, shape]);
  const marks = useMemo(
    () => shown && group && markedRgba(shown.pixels, group.columns, shape),
    [shown, group, shape],
  );
  const most = shown ? largestDifference(shown.pixels, shown.mean, shape) : null;
  const marked = group ? new Set(group.columns.map((j) => Math.floor(j / shape.channels))).size : 0;
  return (
    <div className="image-evidence" data-testid="image-evidence">
      <figure>
        <RowThumbnail row={row} shape={shape} label={`Image ${id}`} size={168} />
        <figcaption>
          {id}, {shape.width} × {shape.height} pixels
        </figcaption>
      </figure>
      <PixelFigure
        rgba={difference}
        shape={shape}
        label={`Difference of ${id} from the mean image of class ${label}`}
        testId="image-difference"
      >
        Difference from the mean of {label}
        {most !== null && `: at most ${Math.round(most)} of 255 levels`}
      </PixelFigure>
      {group && (
        <PixelFigure
          rgba={marks}
          shape={shape}
          label={`The pixels of ${id} that its group of ${group.rows} images shares`}
          testId="image-group"
        >
          In yellow, the {marked} {marked === 1 ? 'pixel' : 'pixels'} whose values it shares with the other{' '}
          {group.rows - 1} images of its group
        </PixelFigure>
      )}
    </div>
  );
}
