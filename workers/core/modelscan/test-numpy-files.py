"""Writes test-numpy-files.ts beside it: .npy files numpy.save and numpy.lib.format wrote.

Run from the repository root: python3 workers/core/modelscan/test-numpy-files.py (needs numpy).
"""
import base64, io, os, sys
import numpy as np
from numpy.lib import format as npformat


class Hostile:
    def __reduce__(self):
        return (os.system, ('id',))


def npy(array, version=None):
    out = io.BytesIO()
    if version is None:
        np.save(out, array, allow_pickle=True)
    else:
        npformat.write_array(out, array, version=version, allow_pickle=True)
    return out.getvalue()


FILES = [
    ('float32 2×3, version 1.0', npy(np.arange(6, dtype='<f4').reshape(2, 3)), 'safe'),
    ('big-endian int16 vector', npy(np.arange(5, dtype='>i2')), 'safe'),
    ('bool 4', npy(np.array([True, False, True, True])), 'safe'),
    ('int8 2×2', npy(np.array([[1, -2], [3, -4]], dtype='i1')), 'safe'),
    ('unicode <U3 ×2 (4 bytes a character)', npy(np.array(['ab', 'xyz'])), 'safe'),
    ('bytes S2 ×3', npy(np.array([b'a', b'bc', b'de'])), 'safe'),
    ('complex128 ×2', npy(np.array([1 + 2j, 3 - 4j])), 'safe'),
    ('datetime64[D] ×2', npy(np.array(['2026-01-01', '2026-12-05'], dtype='M8[D]')), 'safe'),
    ('scalar float64 (shape ())', npy(np.array(2.5)), 'safe'),
    ('empty float32 (0, 4)', npy(np.zeros((0, 4), dtype='<f4')), 'safe'),
    ('float64 3, version 2.0', npy(np.arange(3, dtype='<f8'), version=(2, 0)), 'safe'),
    ('float64 3, version 3.0', npy(np.arange(3, dtype='<f8'), version=(3, 0)), 'safe'),
    ('structured (i4, f8) ×2', npy(np.array([(1, 2.0), (3, 4.0)], dtype=[('a', '<i4'), ('b', '<f8')])), 'safe'),
    ('object array of ints', npy(np.array([1, 'two', None], dtype=object)), 'safe'),
    ('object array holding os.system', npy(np.array([Hostile()], dtype=object)), 'unsafe'),
    ('structured with an object field', npy(np.array([(1, Hostile())], dtype=[('a', '<i4'), ('b', 'O')])), 'unsafe'),
]

lines = [
    '// Written by test-numpy-files.py (numpy %s, CPython %s): .npy files as NumPy writes them.' % (np.__version__, sys.version.split()[0]),
    '// Do not edit by hand.',
    '',
    'export interface NumpyFile {',
    '  what: string;',
    '  base64: string;',
    "  verdict: 'safe' | 'unsafe';",
    '}',
    '',
    'export const NUMPY_FILES: NumpyFile[] = [',
]
for what, data, verdict in FILES:
    lines.append("  { what: '%s', base64: '%s', verdict: '%s' }," % (what, base64.b64encode(data).decode(), verdict))
lines.append('];')
open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'test-numpy-files.ts'), 'w').write('\n'.join(lines) + '\n')
