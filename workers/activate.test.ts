import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { activateBackend } from './activate';

describe('activateBackend', () => {
  it('switches to a backend that starts, and says why when one does not', async () => {
    expect(await activateBackend('cpu')).toBeNull();
    expect(tf.getBackend()).toBe('cpu');
    // Node has no WebGL: tfjs refuses (or falls back), and the answer names the backend instead of pretending.
    const refused = await activateBackend('webgl');
    expect(refused).toEqual(expect.any(String));
    expect(refused?.length).toBeGreaterThan(0);
    expect(await activateBackend('cpu')).toBeNull();
  });
});
