"""The reference side of bench/whole-process.sh: what a user's Python script does with pytorch-grad-cam.

Imports, model construction, then for every photo of a folder: read it (OpenCV), resize to 224 x 224, normalise,
GradCAM of the top class at layer4[-1], the map resized to the photo and blended on it (show_cam_on_image), the
overlay written as PNG. The torchvision model has random weights (the time does not depend on them); the process's
whole time is what bench/whole-process.sh measures.

usage: python3 reference_explain.py ARCH PHOTO_DIR OUT_DIR THREADS
"""
import os
import sys
import types

import cv2
import numpy as np
import torch
import torchvision

try:
    import ttach  # noqa: F401  (only aug_smooth uses it; not installed by Debian)
except ImportError:
    # a stand-in: BaseCAM builds its default augmentations (tta.Compose of flips and multiplications) in its
    # constructor, and only aug_smooth runs them
    def _unused(*args, **kwargs):
        return None

    sys.modules["ttach"] = types.SimpleNamespace(Compose=_unused, HorizontalFlip=_unused, Multiply=_unused)

from pytorch_grad_cam import GradCAM
from pytorch_grad_cam.utils.image import preprocess_image, show_cam_on_image

arch, photos, out, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
torch.set_num_threads(threads)
model = getattr(torchvision.models, arch)().eval()
cam = GradCAM(model=model, target_layers=[model.layer4[-1]])
os.makedirs(out, exist_ok=True)
for name in sorted(os.listdir(photos)):
    bgr = cv2.imread(os.path.join(photos, name))
    if bgr is None:
        continue
    rgb = np.float32(bgr[:, :, ::-1]) / 255
    batch = preprocess_image(cv2.resize(rgb, (224, 224)), mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])
    grayscale = cam(input_tensor=batch, targets=None)[0]
    overlay = show_cam_on_image(rgb, cv2.resize(grayscale, (rgb.shape[1], rgb.shape[0])), use_rgb=True)
    cv2.imwrite(os.path.join(out, os.path.splitext(name)[0] + ".GradCAM.png"), overlay[:, :, ::-1])
