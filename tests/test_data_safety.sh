#!/usr/bin/env bash
# The program never loses a user's file and never calls a failed run a success:
#  1. -o . and -o DIR/ in a folder holding a case and a user's notes;
#  2. runs into existing folders: a user's folder is refused untouched, an
#     earlier run folder is replaced, a run folder holding a user's file is not;
#  3. empty output name, empty case file, --resume where it means nothing;
#  4. a full disk (a 1 MB tmpfs): exit 1, the file and "No space left on
#     device" named, the results so far in DIR.partial, nothing in DIR; with
#     checkpoints, the last complete checkpoint stays valid and resumes.
#   test_data_safety.sh BINARY CASE_FE
set -euo pipefail
binary=$1
case_fe=$2
work=$(mktemp -d)
mnt="$work/small_disk"
cleanup() {
  mountpoint -q "$mnt" 2>/dev/null && umount "$mnt"
  rm -rf "$work"
}
trap cleanup EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fail() { echo "FAIL: $*"; exit 1; }
short=(--quiet --set "Run/End time=2e-6" --set "Run/Plot=false")

# Lists every file below $1 with its checksum (the state to compare).
snapshot() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum; find . | sort); }

# expect_refusal LOG PATTERN COMMAND...: non-zero exit and PATTERN in the message.
expect_refusal() {
  local log=$1 pattern=$2
  shift 2
  if "$@" > "$log" 2>&1; then fail "accepted: $*"; fi
  grep -q "neuristor: error:" "$log" || { cat "$log"; fail "no error message: $*"; }
  grep -q -- "$pattern" "$log" || { cat "$log"; fail "message without '$pattern': $*"; }
}

# 1. -o . and -o DIR/ ---------------------------------------------------------
mkdir -p "$work/user"
cd "$work/user"
printf 'subsection Run\n  set End time = 2e-6\n  set Plot = false\nend\n' > case.prm
echo "my notes" > notes.txt
before=$(snapshot .)
expect_refusal dot.log "current folder" "$binary" run case.prm -o . --quiet
expect_refusal dotdot.log "current folder" "$binary" run case.prm -o .. --quiet
rm dot.log dotdot.log
expect_refusal ../char.log "current folder" "$binary" characterize case.prm -o .
[ "$(snapshot .)" = "$before" ] || fail "-o . changed the current folder"
"$binary" run case.prm -o out/ --quiet > ../slash.log 2>&1 || { cat ../slash.log; fail "-o out/ failed"; }
[ -f out/summary.json ] && [ ! -e out/.partial ] && [ ! -e out.partial ] || fail "-o out/ put the results elsewhere"
[ -f case.prm ] && [ -f notes.txt ] || fail "-o out/ lost a user file"
echo "ok: -o . refused with nothing touched; -o out/ writes out/"

# A case file inside the output folder.
mkdir -p "$work/cases_here" && cp case.prm "$work/cases_here/"
expect_refusal ../inside.log "holds the case file" "$binary" run "$work/cases_here/case.prm" -o "$work/cases_here"
[ -f "$work/cases_here/case.prm" ] || fail "the case file was lost"

# 2. Existing folders ---------------------------------------------------------
mkdir -p mine/sub && echo "keep" > mine/my_notes.txt && echo "keep" > mine/sub/data.txt
before=$(snapshot mine)
expect_refusal ../mine.log "was not written by neuristor" "$binary" run case.prm -o mine --quiet
[ "$(snapshot mine)" = "$before" ] || fail "a run into a user's folder changed it"
[ ! -e mine.partial ] || fail "a refused run left mine.partial"
mkdir -p mine2.partial && echo "keep" > mine2.partial/x.txt
expect_refusal ../mine2.log "was not written by neuristor" "$binary" run case.prm -o mine2 --quiet
[ -f mine2.partial/x.txt ] || fail "a user's DIR.partial was removed"
mkdir -p empty
"$binary" run case.prm -o empty --quiet > ../empty.log 2>&1 || { cat ../empty.log; fail "an empty folder was not used"; }
# An earlier run folder is replaced (its marker lists its files) ...
"$binary" run case.prm -o out --quiet --set "Run/End time=3e-6" > ../again.log 2>&1 \
  || { cat ../again.log; fail "rerun into an earlier run folder failed"; }
grep -q '"end_time_s": 3e-06' out/summary.json || fail "the earlier run folder was not replaced"
# ... unless a user put a file of their own into it.
echo "my comment" > out/comment.txt
before=$(snapshot out)
expect_refusal ../comment.log "comment.txt" "$binary" run case.prm -o out --quiet
[ "$(snapshot out)" = "$before" ] || fail "a run folder holding a user's file was changed"
echo "ok: user folders refused untouched, earlier run folders replaced"

# 3. Empty names and files, --resume without meaning --------------------------
expect_refusal ../o_empty.log "output folder name is empty" "$binary" run case.prm -o ""
: > empty.prm
expect_refusal ../empty_case.log "case file is empty" "$binary" run empty.prm -o e1
printf '# only a comment\n\n' > comment_only.prm
expect_refusal ../comment_case.log "case file is empty" "$binary" run comment_only.prm -o e2
expect_refusal ../char_resume.log "only 'neuristor run' resumes" \
  "$binary" characterize case.prm -o c1 --resume
[ ! -e e1 ] && [ ! -e e2 ] && [ ! -e c1 ] && [ ! -e e1.partial ] || fail "a refusal left a folder"
echo "ok: empty output name, empty case file and characterize --resume refused"

# 4. A full disk -------------------------------------------------------------
mkdir -p "$mnt"
if ! mount -t tmpfs -o size=1m tmpfs "$mnt" 2> /dev/null; then
  echo "SKIPPED: the disk-full checks need to mount a tmpfs (root); everything else passed"
  exit 0
fi
cd "$work"
if "$binary" run -o "$mnt/lumped" --quiet --set "Run/End time=200e-6" --set "Run/Plot=false" > full_lumped.log 2>&1; then
  cat full_lumped.log; fail "a lumped run on a full disk exited 0"
fi
grep -q "No space left on device" full_lumped.log || { cat full_lumped.log; fail "no reason given"; }
grep -q "traces.csv" full_lumped.log || { cat full_lumped.log; fail "the file is not named"; }
grep -q "results so far are in '$mnt/lumped.partial'" full_lumped.log || { cat full_lumped.log; fail "partial folder not named"; }
[ ! -e "$mnt/lumped" ] && [ -d "$mnt/lumped.partial" ] || fail "a failed run left a finished-looking folder"
rm -rf "$mnt/lumped.partial"
echo "ok: lumped run on a full disk: $(grep -o "cannot write.*" full_lumped.log | head -1)"

# Finite element with checkpoints: the disk (4 MB) fills while fields are
# written, after the first checkpoints.
mount -o remount,size=4m "$mnt"
fe=(--quiet --set "Run/End time=1.5e-6" --set "Run/Checkpoint interval=0.05e-6" --set "Run/Plot=false"
    --set "Finite-element coupling/Field output interval=10e-9")
if "$binary" run "$case_fe" -o "$mnt/fe" "${fe[@]}" > full_fe.log 2>&1; then
  cat full_fe.log; fail "a finite-element run on a full disk exited 0"
fi
grep -q "No space left on device" full_fe.log || { cat full_fe.log; fail "no reason given (FE)"; }
[ ! -e "$mnt/fe" ] && [ -d "$mnt/fe.partial" ] || fail "the FE results are not in fe.partial"
[ -f "$mnt/fe.partial/checkpoint.bin" ] || { cat full_fe.log; ls -la "$mnt/fe.partial"; fail "no checkpoint before the disk was full: enlarge the tmpfs"; }
[ ! -e "$mnt/fe.partial/checkpoint.bin.tmp" ] || fail "a half-written checkpoint was left"
# The kept checkpoint is complete: it resumes on a disk with room.
cp -r "$mnt/fe.partial" "$work/fe.partial"
umount "$mnt"
"$binary" run "$case_fe" -o "$work/fe" "${fe[@]}" --resume > resume_fe.log 2>&1 \
  || { cat resume_fe.log; fail "the checkpoint kept on the full disk does not resume"; }
grep -q "Resumed from" resume_fe.log || fail "no resume in the log"
echo "ok: FE run on a full disk: $(grep -o "cannot write.*" full_fe.log | head -1); its last checkpoint resumes"
