#!/bin/sh
# Run kiln ($KILN_INTERP_TARGET) on the IR interpreter instead of native
# code, with the arguments the boot tests give it.
exec "$KILN_INTERP_TARGET" -accel tcg,backend=interp "$@"
