#!/usr/bin/env bash
# Checks that a change to irbook's code did not change a byte of its output:
# builds the default handbook, its single file and the generated 1 000-page
# corpus with a reference irbook and with this tree's, and compares them.
#
# Usage: bench/identical.sh [REV | PATH-TO-IRBOOK]   (default: main)
#   REV is built in a temporary git worktree (its own target folder, kept
#   for the next run); PATH-TO-IRBOOK uses that binary as the reference.
# Exit status 0 when every output is identical, 1 otherwise.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
ref=${1:-main}
target=${CARGO_TARGET_DIR:-$repo/target}
work=$target/identical
mkdir -p "$work"

# This tree's binary.
(cd "$repo" && cargo build --release --quiet)
new=$target/release/irbook

if [ -x "$ref" ] && [ -f "$ref" ]; then
    old=$ref
else
    commit=$(git -C "$repo" rev-parse --verify "$ref^{commit}")
    tree=$work/tree-$commit
    if [ ! -d "$tree" ]; then
        git -C "$repo" worktree add --detach --quiet "$tree" "$commit"
    fi
    # The reference gets its own target folder: two trees must never share one.
    (cd "$tree" && CARGO_TARGET_DIR=$work/target-ref cargo build --release --quiet)
    old=$work/target-ref/release/irbook
fi

corpus=$work/corpus-1000
if [ ! -f "$corpus/handbook.yaml" ]; then
    python3 "$repo/../shared/tools/gen-corpus.py" --flavor irbook --pages 1000 --out "$corpus" --force >/dev/null
fi

status=0
compare() { # name, then the build arguments after `build`
    local name=$1
    shift
    rm -rf "$work/old-$name" "$work/new-$name"
    mkdir -p "$work/old-$name" "$work/new-$name"
    "$old" build "$@" -o "$work/old-$name/out" --quiet
    "$new" build "$@" -o "$work/new-$name/out" --quiet
    if diff -r "$work/old-$name/out" "$work/new-$name/out" >"$work/$name.diff"; then
        echo "identical: $name"
    else
        echo "DIFFERENT: $name (see $work/$name.diff)"
        status=1
    fi
}
single() { # name, root
    local name=$1 root=$2
    "$old" build "$root" --single-file "$work/old-$name.html" --quiet
    "$new" build "$root" --single-file "$work/new-$name.html" --quiet
    if cmp -s "$work/old-$name.html" "$work/new-$name.html"; then
        echo "identical: $name"
    else
        echo "DIFFERENT: $name"
        status=1
    fi
}

compare default "$repo/content"
single default-single "$repo/content"
compare corpus-1000 "$corpus"
exit $status
