"""Reference boxes for the UltraFace post-processing test (run by hand, never by the build).

Applies the UltraFace repository's numpy post-processing (vision/utils/box_utils.py: `predict` with
prob_threshold 0.7, `hard_nms` at IoU 0.3, candidate_size 200, boxes times the photo's size) to the raw outputs
cam4j's ONNX Runtime run gives for each photo, saved as raw_<photo>.npy ([1, 4420, 6]: boxes then scores).
Writes reference-boxes.json with the boxes before the repository's int32 truncation.

    python3 ultraface_reference_boxes.py RAW_DIR > reference-boxes.json
"""
import json
import sys

import numpy as np

SIZES = {"1": (720, 478), "2": (1024, 484), "13": (450, 344), "19": (1024, 754), "23": (1024, 704)}


def area_of(left_top, right_bottom):
    hw = np.clip(right_bottom - left_top, 0.0, None)
    return hw[..., 0] * hw[..., 1]


def iou_of(boxes0, boxes1, eps=1e-5):
    left_top = np.maximum(boxes0[..., :2], boxes1[..., :2])
    right_bottom = np.minimum(boxes0[..., 2:], boxes1[..., 2:])
    overlap = area_of(left_top, right_bottom)
    return overlap / (area_of(boxes0[..., :2], boxes0[..., 2:]) + area_of(boxes1[..., :2], boxes1[..., 2:])
                      - overlap + eps)


def hard_nms(box_scores, iou_threshold, top_k=-1, candidate_size=200):
    scores = box_scores[:, -1]
    boxes = box_scores[:, :-1]
    picked = []
    indexes = np.argsort(scores)[-candidate_size:]
    while len(indexes) > 0:
        current = indexes[-1]
        picked.append(current)
        if 0 < top_k == len(picked) or len(indexes) == 1:
            break
        indexes = indexes[:-1]
        iou = iou_of(boxes[indexes, :], np.expand_dims(boxes[current, :], axis=0))
        indexes = indexes[iou <= iou_threshold]
    return box_scores[picked, :]


def predict(width, height, raw, prob_threshold=0.7, iou_threshold=0.3):
    boxes, confidences = raw[0, :, :4], raw[0, :, 4:]
    picked = []
    for class_index in range(1, confidences.shape[1]):
        probs = confidences[:, class_index]
        mask = probs > prob_threshold
        if mask.sum() == 0:
            continue
        box_probs = np.concatenate([boxes[mask, :], probs[mask].reshape(-1, 1)], axis=1)
        picked.append(hard_nms(box_probs, iou_threshold))
    if not picked:
        return []
    p = np.concatenate(picked)
    p[:, [0, 2]] *= width
    p[:, [1, 3]] *= height
    return [{"box": [float(v) for v in row[:4]], "score": float(row[4])} for row in p]


if __name__ == "__main__":
    out = {}
    for name, (w, h) in SIZES.items():
        out[name + ".jpg"] = predict(w, h, np.load(f"{sys.argv[1]}/raw_{name}.npy").astype(np.float32))
    json.dump(out, sys.stdout, indent=1)
