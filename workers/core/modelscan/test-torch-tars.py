"""Writes test-torch-tars.ts beside it: PyTorch's oldest checkpoint layout (a tar of sys_info, pickle, storages and
tensors, torch/serialization.py legacy_load) written with Python's tarfile and pickle, torch itself not needed.

Run from the repository root: python3 workers/core/modelscan/test-torch-tars.py
"""
import base64, collections, io, os, pickle, struct, sys, tarfile, types

torch = types.ModuleType('torch')
class FloatStorage: pass
class DoubleStorage: pass
FloatStorage.__module__ = DoubleStorage.__module__ = 'torch'
torch.FloatStorage, torch.DoubleStorage = FloatStorage, DoubleStorage
sys.modules['torch'] = torch

class Hostile:
    def __reduce__(self):
        return (os.system, ('id',))

def storages(records):
    out = pickle.dumps(len(records), protocol=2)
    for key, cls, numel, itemsize in records:
        out += pickle.dumps((key, 'cpu', cls), protocol=2) + struct.pack('<q', numel) + b'\0' * (numel * itemsize)
    return out

def tensors(shapes):
    out = pickle.dumps(len(shapes), protocol=2)
    for i, shape in enumerate(shapes):
        out += pickle.dumps((str(i), '0', 0), protocol=2) + struct.pack('<i', len(shape)) + b'\0' * 4
        out += b''.join(struct.pack('<q', d) for d in shape) * 2 + struct.pack('<q', 0)
    return out

def tar(members, fmt=tarfile.PAX_FORMAT):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode='w', format=fmt) as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1767225600
            t.addfile(info, io.BytesIO(data))
    # The reader stops at the end of the bytes as at a zero block: keep one zero block, drop tarfile's padding.
    data = out.getvalue().rstrip(b'\0')
    return data + b'\0' * (-len(data) % 512 + 512)

SYS_INFO = pickle.dumps({'protocol_version': 1001, 'little_endian': True}, protocol=2)
STATE = pickle.dumps(collections.OrderedDict(w=1), protocol=2)
STORAGES = storages([('0', FloatStorage, 6, 4), ('1', DoubleStorage, 2, 8)])
TENSORS = tensors([[2, 3], [2]])
BASE = [('sys_info', SYS_INFO), ('pickle', STATE), ('storages', STORAGES), ('tensors', TENSORS)]

FILES = [
    ('plain', tar(BASE)),
    ('hostile-pickle', tar([('sys_info', SYS_INFO), ('pickle', pickle.dumps(Hostile(), protocol=2)), ('storages', STORAGES), ('tensors', TENSORS)])),
    ('extra-members', tar(BASE + [('x' * 120, b'a')])),
    ('ustar-prefix', tar(BASE + [('d' * 60 + '/' + 'e' * 60, b'b')], tarfile.USTAR_FORMAT)),
    ('unknown-storage', tar(BASE[:2] + [('storages', storages([('0', Hostile, 1, 1)]))] + BASE[3:])),
    ('rank-65', tar(BASE[:3] + [('tensors', tensors([[1] * 65]))])),
]

lines = ['// Written by test-torch-tars.py (CPython %s): legacy PyTorch tar checkpoints. Do not edit by hand.' % sys.version.split()[0], '',
         'export const TORCH_TARS: Record<string, string> = {']
for name, data in FILES:
    lines.append("  '%s': '%s'," % (name, base64.b64encode(data).decode()))
lines.append('};')
open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'test-torch-tars.ts'), 'w').write('\n'.join(lines) + '\n')
