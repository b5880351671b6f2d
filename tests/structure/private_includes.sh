#!/usr/bin/env bash
# Each part of src/ sees only its own private headers: a file under src/<part>/
# may include "backchannel/..." (public headers) and "<part>/..." (its own
# private ones), never another part's "<other>/..." (issue 10: identity used to
# include envelope's internal/ header). Every part's include root is src/, so
# the compiler cannot refuse it; this check does. Exit 1 and name the
# offending lines otherwise.
set -euo pipefail
cd "${1:-$(dirname "$0")/../..}"
status=0
while IFS= read -r file; do
  part=$(cut -d/ -f2 <<<"$file")
  while IFS= read -r line; do
    target=${line#*\"}
    target=${target%%\"*}
    [[ $target == backchannel/* || $target != */* ]] && continue
    if [[ ${target%%/*} != "$part" ]]; then
      echo "$file: includes another part's private header: $target" >&2
      status=1
    fi
  done < <(grep -E '^#include "' "$file" || true)
done < <(git ls-files 'src/*.cc' 'src/*.h')
exit $status
