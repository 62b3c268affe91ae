#!/bin/sh
# Run every test suite of the build in $1 and end with the one line CI
# reads: "N passed, M failed".  Exits non-zero if any test failed.
set -u
build=${1:-build}
shift || true
meson test -C "$build" --print-errorlogs --num-processes "$(nproc)" "$@"
rc=$?
python3 - "$build/meson-logs/testlog.json" <<'PY'
import json
import sys

passed = failed = skipped = 0
try:
    with open(sys.argv[1]) as f:
        for line in f:
            result = json.loads(line).get('result')
            if result in ('OK', 'EXPECTEDFAIL'):
                passed += 1
            elif result == 'SKIP':
                skipped += 1
            else:
                failed += 1
except FileNotFoundError:
    pass
print(f'{passed} passed, {failed} failed, {skipped} skipped')
PY
exit $rc
