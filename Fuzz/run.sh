#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/Package.swift and runs each for a bounded time.
#
#   Fuzz/run.sh [seconds-per-target [target...]]     targets: json shard gguf (default: all three, 90 s each)
#
# Each target starts from its committed seeds in Fuzz/corpus/<target>/ plus what earlier runs on this machine found
# (.build-fuzz/corpus/<target>/, git-ignored; the committed seeds are never written). The build is release with
# libFuzzer coverage, AddressSanitizer on the Swift code, and `-assert-config Debug`, which keeps the bounds checks
# on unsafe buffer subscripts that a plain release build drops. Exits non-zero when a target crashes, traps, leaks,
# times out (10 s on one input) or passes 2 GB; the input that did it is saved under .build-fuzz/artifacts/ and the
# report says how to replay it. Found a real bug? Fix it, add a unit test, and copy the input into the seeds.
set -euo pipefail
export OPENBLAS_CORETYPE=Haswell
# Swift's own crash handler reads memory that AddressSanitizer then reports; libFuzzer's report is the useful one.
export SWIFT_BACKTRACE=enable=no

fuzz_dir="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$fuzz_dir")"
scratch="$root/.build-fuzz"
seconds="${1:-90}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(json shard gguf)

product() {
    case "$1" in
        json) echo JSONParserFuzzer ;;
        shard) echo ShardDecoderFuzzer ;;
        gguf) echo GGUFReaderFuzzer ;;
        *) echo "error: unknown fuzz target '$1'; known: json shard gguf" >&2; exit 64 ;;
    esac
}
for target in "${targets[@]}"; do product "$target" >/dev/null; done
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
    echo "error: seconds-per-target '$seconds' is not a positive integer" >&2
    exit 64
fi

# `--sanitize fuzzer` makes SwiftPM link libFuzzer's main instead of the targets' own. The Swift code (the product
# code under test) gets AddressSanitizer too; one `-sanitize=` flag replaces another, so it names both. C code is not
# address-sanitized, which spares instrumenting swift-crypto's BoringSSL.
build_start=$SECONDS
mkdir -p "$scratch/logs" "$scratch/artifacts"
echo "fuzz: building the fuzz targets (release, libFuzzer + AddressSanitizer) in .build-fuzz"
if ! swift build --package-path "$fuzz_dir" --scratch-path "$scratch" -c release --sanitize fuzzer \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -assert-config -Xswiftc Debug >"$scratch/logs/build.log" 2>&1; then
    grep -v "Cannot export local symbol '__asan_extra_spill_area'" "$scratch/logs/build.log" | tail -40
    echo "fuzz: the build failed; its whole log is $scratch/logs/build.log"
    exit 1
fi
echo "fuzz: build took $((SECONDS - build_start)) s"
bin="$(swift build --package-path "$fuzz_dir" --scratch-path "$scratch" -c release --show-bin-path)"

failed=()
summary=()
for target in "${targets[@]}"; do
    name="$(product "$target")"
    work="$scratch/corpus/$target"
    log="$scratch/logs/$target.log"
    mkdir -p "$work"
    echo "fuzz: $target ($name) for $seconds s"
    status=0
    "$bin/$name" "$work" "$fuzz_dir/corpus/$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$scratch/artifacts/$target-" >"$log" 2>&1 || status=$?
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
    rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")"
    rss="$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")"
    coverage="$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2 || true)"
    if [ "$status" -eq 0 ] && [ -z "$coverage" ]; then
        echo "fuzz: $target reported no coverage; the build is not instrumented, so it fuzzed nothing"
        status=70
    fi
    line="$(printf '%-6s %12s runs  %7s exec/s  coverage %5s  peak RSS %5s MB' \
        "$target" "${runs:-?}" "${rate:-?}" "${coverage:-?}" "${rss:-?}")"
    if [ "$status" -ne 0 ]; then
        line="$line  FAILED (exit $status)"
        failed+=("$target")
        echo "fuzz: $target failed (exit $status); the end of $log:"
        grep -v -E '^#[0-9]+\s+(NEW|REDUCE|pulse|RELOAD)\s|^\s+NEW_FUNC' "$log" | tail -60
        artifact="$(sed -n "s/.*Test unit written to //p" "$log" | tail -1)"
        if [ -n "$artifact" ]; then
            echo "fuzz: replay with: SWIFT_BACKTRACE=enable=no $bin/$name $artifact"
        fi
    fi
    summary+=("$line")
done

echo "fuzz: ${seconds} s per target"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: FAILED: ${failed[*]}"
    exit 1
fi
echo "fuzz: no failure in ${#targets[@]} targets"
