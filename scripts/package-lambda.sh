#!/usr/bin/env bash
# Builds dist/lambda.zip, the one package the Lambda functions of infra/loglake.yaml run: the
# TypeScript sources (run through tsx by infra/handlers/*.mjs) and the production dependencies,
# including DuckDB's linux-x64 binding (the functions are x86_64 on nodejs22.x).
#   scripts/package-lambda.sh && aws s3 cp dist/lambda.zip s3://<CodeBucket>/loglake/lambda.zip
set -euo pipefail
cd "$(dirname "$0")/.."
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp package.json package-lock.json "$stage/"
for d in addapart transform compact lake sources sql ingest api infra/handlers; do
  mkdir -p "$stage/$d"
  cp -R "$d/." "$stage/$d/"
done
(cd "$stage" && npm install --omit=dev --no-audit --no-fund --ignore-scripts >/dev/null)
mkdir -p dist
rm -f dist/lambda.zip
(cd "$stage" && zip -qr -X "$OLDPWD/dist/lambda.zip" .)
echo "dist/lambda.zip: $(du -h dist/lambda.zip | cut -f1)"
