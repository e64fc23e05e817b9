#!/usr/bin/env bash
# Checkpoint and restart of a finite-element run:
#  1. the tutorial pair runs uninterrupted on 1 rank, writing checkpoints;
#  2. the same run is killed (SIGKILL) after its first checkpoint and resumed
#     with --resume on 2 ranks: its traces and spikes must equal the
#     uninterrupted ones (to 1e-6, the partition changes CG sums);
#  3. a finished run is extended with a later End time: its traces go on
#     from the old ones unchanged;
#  4. a resume with other parameters, or without a checkpoint, is refused.
#   test_checkpoint.sh BINARY CASE
set -euo pipefail
binary=$1
case_file=$2
work=$(mktemp -d)
trap 'kill -9 ${pid:-} 2>/dev/null || true; rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
common=(--quiet --set "Run/End time=0.8e-6" --set "Run/Checkpoint interval=0.2e-6"
        --set "Run/Plot=false" --set "Finite-element coupling/Field output interval=50e-9")
here=$(cd "$(dirname "$0")" && pwd)
cd "$work"

source "$here/kill_and_resume.sh"
kill_and_resume "$binary" "$case_file" 2 "${common[@]}"
[ -f full/checkpoint.bin ] || { echo "a finished run must keep its last checkpoint"; exit 1; }

# Extend the finished run to 1.0 us: its rows before 0.8 us stay as they were.
cp full/traces.csv full_traces_at_0.8us.csv
"$binary" run "$case_file" -o full "${common[@]}" --set "Run/End time=1.0e-6" --resume > extend.log 2>&1 \
  || { cat extend.log; exit 1; }
/usr/bin/python3 - <<'PY'
import csv
rows = list(csv.DictReader(open("full/traces.csv")))
assert abs(float(rows[-1]["time_s"]) - 1.0e-6) < 1e-12, rows[-1]["time_s"]
# Every 10 ns for both devices, plus a row at every step during spikes.
on_cadence = [r for r in rows if abs(float(r["time_s"]) / 10e-9 - round(float(r["time_s"]) / 10e-9)) < 1e-6]
assert len(on_cadence) == 2 * 101, len(on_cadence)
before = lambda table: [r for r in table if float(r["time_s"]) < 0.8e-6 * (1 - 1e-12)]
old = list(csv.DictReader(open("full_traces_at_0.8us.csv")))
assert before(rows) == before(old), "extending changed the traces before 0.8 us"
print("extended to 1.0 us:", len(rows), "trace rows,", len(rows) - len(on_cadence), "of them in spikes")
PY

# Refusals: other parameters, no checkpoint.
if "$binary" run "$case_file" -o cut "${common[@]}" --set "Circuit/Input=dc(8); dc(5)" --set "Run/End time=2e-6" --resume > bad.log 2>&1; then
  echo "a checkpoint of other parameters was accepted"; exit 1
fi
grep -q "other parameters" bad.log || { cat bad.log; exit 1; }
if "$binary" run "$case_file" -o nowhere "${common[@]}" --resume > none.log 2>&1; then
  echo "--resume without a checkpoint was accepted"; exit 1
fi
grep -q "holds a checkpoint" none.log || { cat none.log; exit 1; }
[ -d cut ] && [ ! -d cut.partial ] || { echo "a refused resume moved the finished run"; exit 1; }
echo "refusals: other parameters and a missing checkpoint"

# Corrupt checkpoints: flipped bits anywhere (header, sizes, field data) and
# truncations are refused as corrupt, and the run folder stays byte for byte.
snapshot() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
size=$(stat -c %s full/checkpoint.bin)
n_checked=0
for spec in flip:0 flip:9 flip:14 flip:22 flip:40 flip:$((size / 2)) flip:$((size - 1)) \
            cut:$((size - 1)) cut:$((size / 3)) cut:10 cut:0; do
  rm -rf bad bad.partial
  cp -r full bad
  /usr/bin/python3 - bad/checkpoint.bin "$spec" <<'PY'
import sys
path, (kind, at) = sys.argv[1], sys.argv[2].split(":")
data = bytearray(open(path, "rb").read())
at = int(at)
if kind == "flip":
    data[at] ^= 0x10
else:
    data = data[:at]
open(path, "wb").write(bytes(data))
PY
  before=$(snapshot bad)
  if "$binary" run "$case_file" -o bad "${common[@]}" --set "Run/End time=1.2e-6" --resume > corrupt.log 2>&1; then
    echo "a corrupt checkpoint ($spec) was resumed"; exit 1
  fi
  grep -q "corrupt checkpoint\|has format" corrupt.log || { echo "$spec:"; cat corrupt.log; exit 1; }
  [ "$(snapshot bad)" = "$before" ] && [ ! -e bad.partial ] \
    || { echo "a refused corrupt checkpoint ($spec) changed the run folder"; exit 1; }
  n_checked=$((n_checked + 1))
done
echo "corrupt checkpoints: $n_checked flipped bits and truncations refused, folder unchanged"

# A checkpoint sealed again (its checksum right) whose record count runs far
# past its data is refused as corrupt, not allocated for.
rm -rf bad bad.partial
cp -r full bad
/usr/bin/python3 - bad/checkpoint.bin <<'PY'
import struct, sys, zlib
path = sys.argv[1]
data = open(path, "rb").read()
header, payload = data[:24], bytearray(data[24:])
(identity_length,) = struct.unpack_from("<Q", payload, 0)
# After the identity, the time, the trace bytes and the probe bytes: the number of records.
struct.pack_into("<Q", payload, 8 + identity_length + 24, 1 << 40)
header = header[:12] + struct.pack("<QI", len(payload), zlib.crc32(payload))
open(path, "wb").write(header + bytes(payload))
PY
before=$(snapshot bad)
if "$binary" run "$case_file" -o bad "${common[@]}" --set "Run/End time=1.2e-6" --resume > count.log 2>&1; then
  echo "a checkpoint with a record count past its data was resumed"; exit 1
fi
grep -q "corrupt checkpoint" count.log || { cat count.log; exit 1; }
[ "$(snapshot bad)" = "$before" ] && [ ! -e bad.partial ] \
  || { echo "a refused record count changed the run folder"; exit 1; }
echo "a sealed checkpoint with a record count past its data: refused"
