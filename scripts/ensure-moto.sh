#!/usr/bin/env bash
# Makes sure moto's server (moto[server]: moto plus flask) is importable for the AWS-mode tests.
# Checks first and installs only when missing, so machines without PyPI access still pass.
set -euo pipefail
if python3 -c 'import moto, flask' 2>/dev/null; then
  exit 0
fi
echo "moto[server] not found; installing it with pip" >&2
python3 -m pip install --quiet 'moto[server]'
python3 -c 'import moto, flask'
