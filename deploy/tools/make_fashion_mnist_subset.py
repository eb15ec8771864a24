"""Make the bundled Fashion-MNIST subset from the full IDX files (Debian: dataset-fashion-mnist).

The first N training and M test images, unchanged, as gzipped IDX. Reproducible:
  python3 deploy/tools/make_fashion_mnist_subset.py /usr/share/datasets/fashion-mnist \
      datasets/src/main/resources/io/streamaug/datasets/fashion-mnist 6000 1000
"""
import gzip, os, struct, sys

def cut(src, dst, count):
    with gzip.open(src, 'rb') as f:
        data = f.read()
    magic, n = struct.unpack_from('>II', data)
    dims = struct.unpack_from('>%dI' % (magic & 0xff), data, 4)
    item = 1
    for d in dims[1:]:
        item *= d
    header = struct.pack('>I', magic) + struct.pack('>I', count) + b''.join(struct.pack('>I', d) for d in dims[1:])
    body_start = 4 + 4 * len(dims)
    with gzip.GzipFile(dst, 'wb', mtime=0) as out:
        out.write(header + data[body_start:body_start + count * item])

src, dst, train, test = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
os.makedirs(dst, exist_ok=True)
for prefix, count in (('train', train), ('t10k', test)):
    for kind in ('images-idx3', 'labels-idx1'):
        name = '%s-%s-ubyte.gz' % (prefix, kind)
        cut(os.path.join(src, name), os.path.join(dst, name), count)
