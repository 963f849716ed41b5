import { useEffect, useRef, useState } from 'react';
import { differenceRgba, drawRgba, largestDifference, type PixelShape } from '../../charts/pixels';
import { useApp, useReviewer } from '../session-context';
import { RowThumbnail } from './Thumbnail';

/** A review sample's small thumbnail where the dataset is images (table rows, neighbours, influence lists). */
export function SampleThumb(props: { row: number; id: string; size?: number }) {
  const shape = useApp((s) => s.review.summary?.image ?? null);
  if (!shape) return null;
  return <RowThumbnail row={props.row} shape={shape} label={`Image ${props.id}`} size={props.size ?? 24} />;
}

/**
 * The focused image large, with pixel edges, and beside it its difference from its class's mean image (red brighter,
 * blue darker than the mean): a patch the other images of its class lack stands out there.
 */
export function ImageEvidence(props: { row: number; id: string; label: string; shape: PixelShape }) {
  const { row, id, label, shape } = props;
  const reviewer = useReviewer();
  const classes = useApp((s) => s.review.summary?.classes ?? []);
  const code = classes.indexOf(label);
  const [pair, setPair] = useState<{ row: number; pixels: Uint8Array; mean: Uint8Array } | null>(null);
  const diff = useRef<HTMLCanvasElement>(null);
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
  useEffect(() => {
    if (diff.current && shown) drawRgba(diff.current, differenceRgba(shown.pixels, shown.mean, shape), shape);
  }, [shown, shape]);
  const most = shown ? largestDifference(shown.pixels, shown.mean, shape) : null;
  return (
    <div className="image-evidence" data-testid="image-evidence">
      <figure>
        <RowThumbnail row={row} shape={shape} label={`Image ${id}`} size={168} />
        <figcaption>
          {id}, {shape.width} × {shape.height} pixels
        </figcaption>
      </figure>
      <figure>
        <canvas
          ref={diff}
          className="pixel-image"
          role="img"
          aria-label={`Difference of ${id} from the mean image of class ${label}`}
          data-testid="image-difference"
          data-drawn={shown !== null}
          width={shape.width}
          height={shape.height}
          style={{ width: 168, height: (168 * shape.height) / shape.width }}
        />
        <figcaption>
          Difference from the mean of {label}
          {most !== null && `: at most ${Math.round(most)} of 255 levels`}
        </figcaption>
      </figure>
    </div>
  );
}
