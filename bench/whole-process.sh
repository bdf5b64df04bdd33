#!/usr/bin/env bash
# Whole process against whole process, as a user runs them: `cam explain` over a folder of N photos (1280 x 720
# JPEGs, GradCAM of the top class, one PNG overlay per photo at photo size) and the same job as a Python script
# using pytorch-grad-cam (bench/reference_explain.py, imports and model construction included), each timed from the
# shell. cam4j is timed with an empty cache folder (a first run) and with the cache its previous run filled (a later
# run). Prints one Markdown row per photo count, best of RUNS runs, the runs of each side taken in turns.
#
# usage: bench/whole-process.sh MODEL.onnx ARCH [COUNT...]      e.g. bench/whole-process.sh resnet18.onnx resnet18 1 20 100
#   MODEL.onnx  the torchvision model ARCH exported to ONNX (weights do not matter for time: testdata's
#               BenchmarkModels writes resnet50 with random ones)
#   REFERENCE   a folder holding pytorch-grad-cam's package (pytorch_grad_cam/), put on PYTHONPATH; the reference
#               column is left empty when python3 cannot import torch, torchvision, cv2 and pytorch_grad_cam
#   PYTHON      the Python that runs the reference (default python3)
#   RUNS        runs per side and count (default 2); THREADS (default 2) for both sides
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="$(readlink -f "$1")"; arch="$2"; shift 2
counts=("${@:-1 20 100}"); counts=(${counts[*]})
runs="${RUNS:-2}"; threads="${THREADS:-2}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
export PYTHONPATH="${REFERENCE:-}${PYTHONPATH:+:$PYTHONPATH}"
py="${PYTHON:-python3}"
reference=1
"$py" -c "import torch, torchvision, cv2, importlib.util as u; assert u.find_spec('pytorch_grad_cam')" 2>/dev/null || reference=0
if [ "$reference" = 0 ]; then echo "(no reference: $py cannot import torch, torchvision, cv2, pytorch_grad_cam)" >&2; fi

# N photos: the bundled example photos, cycled, each resized to 1280 x 720 and written as JPEG
photos() {
  local n="$1" dir="$work/photos-$1"; mkdir -p "$dir"
  local sources=("$here"/examples/photos/*.{png,jpg,bmp,jfif})
  for ((i = 0; i < n; i++)); do
    local src="${sources[$((i % ${#sources[@]}))]}"
    if [ "$reference" = 1 ]; then
      "$py" -c "import cv2,sys; cv2.imwrite(sys.argv[2], cv2.resize(cv2.imread(sys.argv[1]), (1280, 720)))" \
        "$src" "$dir/$i.jpg"
    else
      convert "$src" -resize '1280x720!' "$dir/$i.jpg" || { echo "cannot make photos: needs OpenCV or ImageMagick" >&2; exit 1; }
    fi
  done
  echo "$dir"
}

seconds() {
  local s e; s=$(date +%s.%N)
  "$@" > "$work/run.log" 2>&1 || { echo "failed: $* (see below)" >&2; cat "$work/run.log" >&2; exit 1; }
  e=$(date +%s.%N); echo "$e - $s" | bc
}
best() { printf '%s\n' "$@" | sort -n | head -1; }

# before anything is timed: the jar, then ./cam's class-data archive recorded from an explain run (./cam builds it in
# the background after the run that records the classes), so that every timed run maps the same archive
target="$here/cam-cli/target"
archive() {
  for _ in $(seq 1 240); do
    { [ -f "$target/cam.jsa" ] && [ "$target/cam.jsa" -nt "$target/cam.jar" ]; } && return 0
    [ -f "$target/cam.jsa.failed" ] && return 0
    sleep 0.5
  done
}
"$here/cam" --version > /dev/null
archive
rm -f "$target/cam.classlist" "$target/cam.jsa" "$target/cam.jsa.failed"
"$here/cam" explain --model "$model" --image "$here/examples/photos/both.png" --size 224,224 --method GradCAM \
  --out "$work/out-warm-up" > /dev/null 2>&1
archive
explain() {
  "$here/cam" explain --model "$model" --image "$1" --size 224,224 --mean 0.485,0.456,0.406 \
    --std 0.229,0.224,0.225 --method GradCAM --threads "$threads" --out "$work/out-cam"
}
echo "| photos | pytorch-grad-cam script | cam explain, first run (empty cache) | cam explain, later run | ratio first / later |"
echo "| --- | --- | --- | --- | --- |"
for n in "${counts[@]}"; do
  dir="$(photos "$n")"
  ref=(); cold=(); warm=()
  for ((r = 0; r < runs; r++)); do
    if [ "$reference" = 1 ]; then
      ref+=("$(seconds "$py" "$here/bench/reference_explain.py" "$arch" "$dir" "$work/out-ref" "$threads")")
    fi
    rm -rf "$work/cache"
    cold+=("$(CAM4J_CACHE="$work/cache" seconds explain "$dir")")
    warm+=("$(CAM4J_CACHE="$work/cache" seconds explain "$dir")")
  done
  c="$(best "${cold[@]}")"; w="$(best "${warm[@]}")"
  if [ "$reference" = 1 ]; then
    p="$(best "${ref[@]}")"
    printf '| %d | %.2f s | %.2f s | %.2f s | %.2fx / %.2fx |\n' "$n" "$p" "$c" "$w" \
      "$(echo "$p / $c" | bc -l)" "$(echo "$p / $w" | bc -l)"
  else
    printf '| %d | | %.2f s | %.2f s | |\n' "$n" "$c" "$w"
  fi
done
