#!/usr/bin/env bash
# Builds Examples/LibraryExample as a separate package that depends on a file:// clone of this
# repository by the version tag 1.0.0, and runs it.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git clone -q "file://$repo" "$work/ultimus-workbench"
git -C "$work/ultimus-workbench" -c user.name=example -c user.email=example@localhost tag -a 1.0.0 -m "example" HEAD
cp -R "$repo/Examples/LibraryExample" "$work/example"
sed -i "s|https://example.invalid/ultimus-workbench.git|file://$work/ultimus-workbench|" "$work/example/Package.swift"
cd "$work/example"
swift build -c release
"$(swift build -c release --show-bin-path)/LibraryExample"
