#!/bin/sh
# Vendors CodeMirror 5 (MIT) for the policy editor: the files it uses and the licence, into static/vendor/codemirror/.
# Run it only to change the version; the files are committed, so neither installs nor CI need npm.
set -eu
VERSION=5.65.21
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEST="$ROOT/static/vendor/codemirror"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && npm pack "codemirror@$VERSION" >/dev/null && tar xzf "codemirror-$VERSION.tgz")
for file in LICENSE lib/codemirror.js lib/codemirror.css mode/javascript/javascript.js addon/lint/lint.js \
    addon/lint/lint.css addon/edit/matchbrackets.js addon/edit/closebrackets.js; do
  mkdir -p "$DEST/$(dirname "$file")"
  cp "$WORK/package/$file" "$DEST/$file"
done
echo "CodeMirror $VERSION" > "$DEST/VERSION"
