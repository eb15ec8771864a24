"""streamaug for Python: read prepared topics (wire format v1) and feed them to PyTorch.

`streamaug.wire` needs numpy only; `streamaug.torch` needs torch and confluent-kafka.
"""

__version__ = "0.1.0"
