#!/usr/bin/env bash
# The simulation stage of `make test`: the chaos fuzzer over a fixed seed
# range (every failure prints its seed and the command that reproduces it),
# then proof that the checkers catch the bug switches, then a day-long run
# held to the timeline's memory budget, then the input fuzzer.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SEEDS="${RAFTLAB_FUZZ_SEEDS:-0..200}"
EVENTS="${RAFTLAB_FUZZ_EVENTS:-20000}"
cargo build --profile fast -p raftlab-sim --bin raftlab-sim
bin=target/fast/raftlab-sim
"$bin" fuzz --seeds "$SEEDS" --events "$EVENTS"
# Each protocol mutation must be caught within 100 seeds, by the chaos profile
# that `raftlab-sim bugs` names for it (the core's table, crates/core/src/bugs.rs;
# the targeted profiles are in crates/sim/src/profile.rs).
caught=0
while read -r bug profile rule; do
  echo "-- bug switch $bug ($rule) must be caught by the $profile chaos"
  "$bin" fuzz --seeds 0..100 --events "$EVENTS" --bug "$bug" --profile "$profile" --expect-violation
  caught=$((caught + 1))
done < <("$bin" bugs)
(( caught > 0 )) || { echo "fuzz: raftlab-sim bugs listed no bug switches" >&2; exit 1; }
# The targeted profiles are harsher than the mixed one: without bugs they must pass too.
for profile in figure8 restarts; do
  "$bin" fuzz --seeds "$SEEDS" --events "$EVENTS" --profile "$profile"
done
# A day of the page's busiest world (9 nodes, 20 client ops/s, checkers on)
# through the timeline: its checkpoints must stay under their 64 MiB budget
# and its markers under their limit, however long a tab runs.
"$bin" soak --hours 24
# What people type: mutated scripts, tours and traces (in the fast profile,
# which has overflow checks on), then mutated page addresses (the test build,
# overflow checks on too; building the page crate natively in the fast
# profile would cost minutes). No input may panic, and no accepted one may hold
# a number beyond its limit (crates/sim/src/limits.rs).
INPUTS="${RAFTLAB_FUZZ_INPUT_COUNT:-800000}"
ADDRESSES="${RAFTLAB_FUZZ_ADDRESS_COUNT:-200000}"
"$bin" fuzz-inputs --count "$INPUTS"
RAFTLAB_FUZZ_INPUTS="$ADDRESSES" cargo test -q -p raftlab-app --lib \
  view_model::params::tests::mutated_addresses_never_panic_and_never_pass_a_limit -- --nocapture
echo "fuzz: all seeds passed, all $caught bug switches were caught, a day's run stayed in its memory budget, and $((INPUTS + ADDRESSES)) mutated inputs and 1000000 mutated run links were refused or within their limits"
