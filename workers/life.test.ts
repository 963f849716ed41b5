import { describe, expect, it } from 'vitest';
import { lifeLockName, watchDeviceLoss } from './life';

/** A device whose `lost` promise the test settles. */
function device() {
  let lose: (info: { reason?: string; message?: string }) => void = () => undefined;
  const lost = new Promise<{ reason?: string; message?: string }>((resolve) => {
    lose = resolve;
  });
  return { device: { lost }, lose };
}

describe('watchDeviceLoss', () => {
  it('reports an unexpected loss with its reason and message', async () => {
    const reports: string[] = [];
    const { device: d, lose } = device();
    watchDeviceLoss(d, (m) => reports.push(m));
    lose({ reason: 'unknown', message: 'GPU process crashed' });
    await Promise.resolve();
    await Promise.resolve();
    expect(reports).toEqual(['WebGPU device lost (unknown): GPU process crashed']);
  });

  it('ignores a device destroyed on purpose, and watches each device once', async () => {
    const reports: string[] = [];
    const a = device();
    watchDeviceLoss(a.device, (m) => reports.push(m));
    a.lose({ reason: 'destroyed', message: 'Device was destroyed.' });
    const b = device();
    watchDeviceLoss(b.device, (m) => reports.push(m));
    watchDeviceLoss(b.device, (m) => reports.push(m));
    b.lose({ message: '' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(reports).toEqual(['WebGPU device lost: no message']);
  });
});

describe('lifeLockName', () => {
  it('is one lock per worker name', () => {
    expect(lifeLockName('sift-train-ab')).not.toBe(lifeLockName('sift-train-cd'));
  });
});
