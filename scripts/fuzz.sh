#!/usr/bin/env bash
# The simulation stage of `make test`: the chaos fuzzer over a fixed seed
# range (every failure prints its seed and the command that reproduces it),
# then proof that the checkers catch the bug switches.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SEEDS="${RAFTLAB_FUZZ_SEEDS:-0..200}"
EVENTS="${RAFTLAB_FUZZ_EVENTS:-20000}"
cargo build --profile fast -p raftlab-sim --bin raftlab-sim
bin=target/fast/raftlab-sim
"$bin" fuzz --seeds "$SEEDS" --events "$EVENTS"
# Each of these protocol mutations must be caught within 100 seeds.
# (commit_prior_term_by_counting and forget_vote_on_restart are not yet
# caught by random chaos; they need targeted scenarios.)
for bug in vote_without_log_check truncate_on_append_without_conflict apply_uncommitted \
           leader_ignores_higher_term read_index_without_quorum; do
  echo "-- bug switch $bug must be caught"
  "$bin" fuzz --seeds 0..100 --events "$EVENTS" --bug "$bug" --expect-violation
done
echo "fuzz: all seeds passed and every listed bug switch was caught"
