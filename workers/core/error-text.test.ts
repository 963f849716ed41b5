import { describe, expect, it } from 'vitest';
import { errorText } from './error-text';

describe('errorText', () => {
  it('gives an Error its message, without the "Error:" prefix', () => {
    expect(errorText(new Error('The file has no rows.'))).toBe('The file has no rows.');
    expect(errorText(new TypeError('x is not a function'))).toBe('x is not a function');
  });

  it('turns anything else thrown into text', () => {
    expect(errorText('quota exceeded')).toBe('quota exceeded');
    expect(errorText(42)).toBe('42');
    expect(errorText(undefined)).toBe('undefined');
    expect(errorText({ toString: () => 'a DOMException-like' })).toBe('a DOMException-like');
  });
});
