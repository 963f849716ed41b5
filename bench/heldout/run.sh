#!/usr/bin/env bash
# The held-out check (issue 10): generate the sets, score the peers, scan each set with Sift (calibrated, the default,
# and --no-calibrate), one scan at a time, then write bench/results/heldout.json.
#   bash bench/heldout/run.sh [all|generate|peers|scans|evaluate] [SET...]
# Scans already done (their scores.csv present) are skipped; delete bench/data/heldout/<set>/scan-* to redo them.
# Python is Debian's /usr/bin/python3 (sklearn 1.2, numpy, pandas, Pillow).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
DATA=bench/data/heldout
STEP=${1:-all}
shift || true
SETS=("$@")
if [ ${#SETS[@]} -eq 0 ]; then
  # CSV sets first (minutes), then the image zips (the small CNN: much longer).
  SETS=(ho_synth10k_oneway ho_blobs6k_outliers ho_synth15k_trigger ho_synth8k_mixed ho_fashion14_flip5
    ho_fashion_blend4 ho_fashion_lookalike6 ho2_synth12k_pair6 ho2_synth6k_mixed ho2_fashion_flip7
    ho3_synth9k_flip12 ho3_synth12k_cluster ho3_fashion_patch5 ho3_fashion_mixed
    ho4_synth10k_noisytrigger ho4_scaled8k_oneway ho4_color_patch3 ho4_fashion_imbalanced
    ho5_census12k_text ho5_small600_flip ho5_fraud20k_hide ho5_fashion_ood3 ho5_fashion_line4
    ho6_shop10k_combo ho6_digits_sizes_flip ho6_fashion_jpeg_patch
    ho7_visits8k_count ho7_digits_labels_csv ho7_fashion_jpeg_blend)
fi

if [ "$STEP" = all ] || [ "$STEP" = generate ]; then
  $PY bench/heldout/generate.py --out "$DATA"
  $PY bench/heldout/generate_second.py --out "$DATA"
  $PY bench/heldout/generate_third.py --out "$DATA"
  $PY bench/heldout/generate_fourth.py --out "$DATA"
  $PY bench/heldout/generate_fifth.py --out "$DATA"
  $PY bench/heldout/generate_sixth.py --out "$DATA"
  $PY bench/heldout/generate_seventh.py --out "$DATA"
fi
if [ "$STEP" = all ] || [ "$STEP" = peers ]; then
  $PY bench/heldout/peers.py --data "$DATA" "${SETS[@]}"
fi
if [ "$STEP" = all ] || [ "$STEP" = scans ]; then
  # Every CSV set both ways, then the image sets calibrated, then the image sets uncalibrated.
  jobs=()
  for s in "${SETS[@]}"; do [ -f "$DATA/$s/$s.zip" ] || jobs+=("$s calibrated" "$s uncalibrated"); done
  for mode in calibrated uncalibrated; do
    for s in "${SETS[@]}"; do [ -f "$DATA/$s/$s.zip" ] && jobs+=("$s $mode"); done
  done
  for job in "${jobs[@]}"; do
    read -r s mode <<<"$job"
    if [ -f "$DATA/$s/$s.zip" ]; then file="$DATA/$s/$s.zip"; flags=(); else file="$DATA/$s/$s.csv"; flags=(--label label --id id); fi
    # A set that needs other options (text columns to one-hot) lists them in scan-flags.txt.
    [ -f "$DATA/$s/scan-flags.txt" ] && read -r -a flags <"$DATA/$s/scan-flags.txt"
    [ "$mode" = uncalibrated ] && flags+=(--no-calibrate)
    out="$DATA/$s/scan-$mode"
    if [ -f "$out/scores.csv" ]; then echo "$s $mode: done before, skipped"; continue; fi
    mkdir -p "$out"
    before=$(uptime)
    echo "$s $mode: scanning ($before)"
    start=$(date +%s)
    rc=0
    npm run scan --silent -- "$file" ${flags[@]+"${flags[@]}"} --out "$out" >"$out/stdout.txt" 2>"$out/stderr.txt" || rc=$?
    end=$(date +%s)
    printf '{"seconds": %d, "exitCode": %d, "uptimeBefore": "%s", "uptimeAfter": "%s"}\n' $((end - start)) "$rc" \
      "$before" "$(uptime)" >"$out/run.json"
    echo "$s $mode: exit $rc, $((end - start)) s"
  done
fi
if [ "$STEP" = all ] || [ "$STEP" = evaluate ]; then
  $PY bench/heldout/evaluate.py --data "$DATA" --out bench/results/heldout.json "${SETS[@]}"
fi
