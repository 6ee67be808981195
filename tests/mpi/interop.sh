#!/usr/bin/env bash
# tests/mpi/interop.sh: the file opens in h5py and xarray (engine h5netcdf,
# one group at a time) with the sample dimension named.
. "$(dirname "$0")/lib.sh"
run_np 2 run "$ES_SRC/jobs/smoke.ini" -o "$ES_TMP/i.h5" 2>"$ES_TMP/i.log" && ok "run" || { bad "run"; cat "$ES_TMP/i.log"; }
/usr/bin/python3 "$ES_SRC/tests/mpi/interop.py" "$ES_TMP/i.h5" && ok "h5py and xarray" || bad "h5py and xarray"
finish
