#!/usr/bin/env bash
# Installs the package from Debian's python3-torch, python3-confluent-kafka, python3-numpy and
# python3-setuptools alone (no package index) into a virtualenv, then runs its tests: a real broker
# (./streamaug broker on a free loopback port), real librdkafka, real torch. Extra arguments go to
# pytest, e.g. `python/run-tests.sh -m slow` for the DL4J-beside-PyTorch accuracy test.
set -euo pipefail
cd "$(dirname "$0")"
venv="${STREAMAUG_PY_VENV:-$PWD/.venv}"
[ -x "$venv/bin/python" ] || /usr/bin/python3 -m venv --system-site-packages "$venv"
"$venv/bin/pip" install -q --no-index --no-build-isolation --no-deps .
"$venv/bin/python" -c 'import confluent_kafka, numpy, torch, streamaug.torch'
cd tests  # the installed package is the one under test, not ../streamaug
"$venv/bin/python" -m pytest -c ../pyproject.toml --rootdir . -q "$@"
