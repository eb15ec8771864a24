"""Decode a streamaug prepared record (wire format v1, docs/wire-format.md): stdlib + numpy only."""
import json, struct, sys
import numpy as np

def read_prepared(b):
    magic, version, kind, split, label_kind, epoch, repeat, stats_version = struct.unpack_from('<4sBBBBIIq', b)
    if magic != b'SAUG' or version != 1:
        raise ValueError(f'not a v1 prepared record (magic {magic!r}, version {version})')
    pos = 24
    def take(fmt):
        nonlocal pos; values = struct.unpack_from(fmt, b, pos); pos += struct.calcsize(fmt); return values
    def blob(fmt):
        nonlocal pos; (n,) = take(fmt); pos += n; return b[pos - n:pos]
    sample_id, dataset = blob('<H').decode(), blob('<H').decode()
    label = take('<I')[0] if label_kind == 1 else np.array(take('<%df' % take('<H'))) if label_kind == 2 else None
    if kind == 1:
        dtype, ndim = take('<BB'); shape = take('<%dI' % ndim)
        affine = np.array(take('<%df' % (2 * shape[0]))).reshape(2, -1, 1, 1) if dtype == 1 else None
        x = np.frombuffer(blob('<I'), {1: 'u1', 2: '<f2', 3: '<f4'}[dtype]).reshape(shape).astype(np.float32)
        x = x * affine[0] + affine[1] if dtype == 1 else x
    else: x = blob('<I').decode()
    trace = json.loads(blob('<I') or b'[]')
    return dict(id=sample_id, dataset=dataset, split=('train', 'val', 'test')[split], epoch=epoch,
                repeat=repeat, stats_version=stats_version, x=x, label=label, trace=trace)

if __name__ == '__main__':  # usage: read_prepared.py FILE… (each file one record value); prints JSON lines
    for path in sys.argv[1:]:
        r = read_prepared(open(path, 'rb').read()); x, lab = r.pop('x'), r.pop('label')
        print(json.dumps({**r, 'label': lab.tolist() if isinstance(lab, np.ndarray) else lab, 'x': x if isinstance(x, str)
                          else {'shape': list(x.shape), 'values': x.ravel().tolist()}}))
