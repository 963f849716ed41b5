import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import './schema';

describe('manifest schema under a strict CSP', () => {
  it('turns zod’s eval-based JIT off, so parsing never calls Function()', () => {
    expect(z.config().jitless).toBe(true);
  });
});
