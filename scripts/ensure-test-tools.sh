#!/usr/bin/env bash
# Makes sure the tools of the tests are there: moto's server (moto[server]: moto plus flask)
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
# sqlglot parses the shared SQL (views, query pack) as Trino in test/sql/dialects.test.ts. Debian's
# python3-sqlglot lands in /usr/bin/python3, which may not be the python3 on PATH (pyenv): the test
# looks in both.
if ! python3 -c 'import sqlglot' 2>/dev/null && ! /usr/bin/python3 -c 'import sqlglot' 2>/dev/null; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "sqlglot not found; installing python3-sqlglot with apt-get" >&2
    apt-get install -y python3-sqlglot >/dev/null || { apt-get update >/dev/null && apt-get install -y python3-sqlglot >/dev/null; }
  else
    echo "sqlglot not found; installing it with pip" >&2
    python3 -m pip install --quiet sqlglot
  fi
  python3 -c 'import sqlglot' 2>/dev/null || /usr/bin/python3 -c 'import sqlglot'
fi
# The review page's browser test drives Debian's chromium with playwright-core (never a downloaded
# browser build).
if [ ! -x /usr/bin/chromium ]; then
  echo "chromium not found; installing it with apt-get" >&2
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi
  test -x /usr/bin/chromium
fi
