import type { PixelShape } from '../../charts/pixels';
import { Thumbnail } from './Thumbnail';

/** Each class's mean image: a trigger shared by many images of one class shows in its mean. */
export function ClassMeans(props: { classes: string[]; means: Uint8Array; shape: PixelShape }) {
  const { classes, means, shape } = props;
  const per = shape.height * shape.width * shape.channels;
  return (
    <ul className="class-means" data-testid="class-means">
      {classes.map((name, k) => (
        <li key={name} data-class={name}>
          <Thumbnail
            pixels={means.subarray(k * per, (k + 1) * per)}
            shape={shape}
            label={`Mean image of class ${name}`}
            size={64}
          />
          <span>{name}</span>
        </li>
      ))}
    </ul>
  );
}
