"""Writes test-cpython-pickles.ts beside it: pickles CPython wrote, with the byte offsets pickletools gives.

Run from the repository root: python3 workers/core/modelscan/pickle/test-cpython-pickles.py (needs numpy).
"""
import base64, collections, os, pickle, pickletools, sys
import numpy as np

def data():
    d = {'ints': [0, 1, 255, 256, 65535, 65536, -1, 2**40, -2**70, 2**2100], 'f': 2.5, 'u': 'h\u00e9llo',
         'b': b'\x00\x01\x02\x03\x04', 'ba': bytearray(b'abcde'), 't': [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4)],
         'set': {1, 2}, 'fs': frozenset({3}), 'od': collections.OrderedDict(a=1), 'none': None, 'tf': [True, False],
         'c': complex(1, 2), 'slice': slice(1, 2)}
    memo = [str(i) for i in range(260)]
    lst = [d, memo, memo[259]]
    lst.append(lst)
    return lst

class Hostile:
    def __reduce__(self):
        return (os.system, ('id',))

def positions(p, names):
    return [pos for op, arg, pos in pickletools.genops(p) if op.name in names]

def b64(p):
    return base64.b64encode(p).decode()

out = ['// Written by test-cpython-pickles.py (CPython %s, numpy %s): pickles' % (sys.version.split()[0], np.__version__),
       '// Python wrote, with the opcodes pickletools lists and the byte offsets it gives. Do not edit by hand.', '']
out.append('export interface CpythonPickle {\n  protocol: number;\n  base64: string;\n  opcodes: string;\n  imports: number[];\n  calls: number[];\n}\n')
def entry(p, proto, imports=(), calls=()):
    ops = sorted({op.name for op, arg, pos in pickletools.genops(p)})
    return "  { protocol: %d, base64: '%s', opcodes: '%s', imports: %r, calls: %r }," % (proto, b64(p), ' '.join(ops), list(imports), list(calls))
out.append('/** A list holding a dict of every plain type, 260 memoised strings (LONG_BINPUT past slot 255) and itself, at protocols 0 to 5. */')
out.append('export const PLAIN: CpythonPickle[] = [')
for proto in range(6):
    out.append(entry(pickle.dumps(data(), protocol=proto), proto))
out.append('];\n')
out.append('/** A float32 numpy array (ndarray.__reduce__) at protocols 2 and 4. */')
out.append('export const NUMPY: CpythonPickle[] = [')
for proto in (2, 4):
    out.append(entry(pickle.dumps(np.arange(6, dtype=np.float32).reshape(2, 3), protocol=proto), proto))
out.append('];\n')
out.append('/** Out-of-band buffers (protocol 5, buffer_callback): NEXT_BUFFER and READONLY_BUFFER. */')
out.append('export const BUFFERS: CpythonPickle[] = [')
bufs = []
out.append(entry(pickle.dumps([pickle.PickleBuffer(b'abcdef'), pickle.PickleBuffer(bytearray(b'xyz'))], protocol=5, buffer_callback=bufs.append), 5))
out.append('];\n')
out.append('/** An object whose __reduce__ returns (os.system, ("id",)), at protocols 0 to 5: offsets of the import and the call. */')
out.append('export const OS_SYSTEM: CpythonPickle[] = [')
for proto in range(6):
    p = pickle.dumps(Hostile(), protocol=proto)
    out.append(entry(p, proto, positions(p, ('GLOBAL', 'STACK_GLOBAL')), positions(p, ('REDUCE',))))
out.append('];')
open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'test-cpython-pickles.ts'), 'w').write('\n'.join(out) + '\n')
