#!/usr/bin/env bash
# Makes sure the Python tools of the tests are there: moto's server (moto[server]: moto plus flask)
# for the AWS-mode tests, and cfn-lint for the template test. Checks first and installs with pip
# only what is missing, so machines without PyPI access still pass when the tools are installed.
set -euo pipefail
if ! python3 -c 'import moto, flask' 2>/dev/null; then
  echo "moto[server] not found; installing it with pip" >&2
  python3 -m pip install --quiet 'moto[server]'
  python3 -c 'import moto, flask'
fi
if ! command -v cfn-lint >/dev/null 2>&1; then
  echo "cfn-lint not found; installing it with pip" >&2
  python3 -m pip install --quiet cfn-lint
  command -v cfn-lint >/dev/null
fi
