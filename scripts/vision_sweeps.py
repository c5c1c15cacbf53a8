#!/usr/bin/python3
"""Robustness sweeps: renders images along one axis at a time, sends them
through the real server (tests/eval/eval.js, no thresholds) and plots the
accuracy into docs/developers/vision/sweep_*.png (shown in docs/tenants/recognition.md).

  scripts/vision_sweeps.py [--per-point 4] [--out docs/vision] [--axes size,light,…] [--plot-only]

Axes: vehicle width in the frame (10 % .. 120 %, overflowing), rotation of
the whole photo (±20°), Gaussian blur, JPEG quality, oblique view (keystone),
exposure (low light, with noise) and motion blur for RecognizeCarPro
(plate read exactly, vehicle found); rotation and scale for DetectEnvelope
(letter and courier envelopes, both sides). Needs build/kanjian, the black-box
SDK (tests/blackbox/run.sh once), python3-pil, python3-numpy,
python3-matplotlib, opencv-doc and the WenQuanYi fonts; takes a few minutes
on 2 cores. Seeded: reruns give the same images.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_eval_images as m  # noqa: E402
from PIL import Image  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
SIZES = [0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 1.0, 1.2]
ROTATIONS = [-20, -15, -10, -5, 0, 5, 10, 15, 20]
BLURS = [0, 1, 2, 3, 4, 6]
QUALITIES = [10, 20, 30, 50, 70, 90]
KEYSTONES = [1.0, 0.9, 0.8, 0.7, 0.6, 0.5]  # far side / near side of the oblique photo
LIGHTS = [1.0, 0.4, 0.2, 0.1, 0.07, 0.05, 0.03]  # exposure gain, with sensor noise
MOTIONS = [0, 4, 8, 12, 16, 24]  # horizontal motion blur, px at 1280x720
ENV_ROTATIONS = [-30, -20, -10, 0, 10, 20, 30]
ENV_SCALES = [0.25, 0.35, 0.5, 0.65, 0.8, 0.95]


def rotate_frame(img, deg):
    """The whole photo rotated (camera roll), cropped back to its size."""
    return img.rotate(deg, resample=Image.BICUBIC, fillcolor=(110, 110, 110))


def car_items(out, rng, car, axis, value, k):
    frac = value if axis == "size" else 0.45
    style = ["blue", "yellow", "green"][k % 3]
    text = m.random_plate(rng, style)
    img = m.recolour(car, *m.CAR_COLOURS[k % len(m.CAR_COLOURS)][1:])
    m.paste_plate(img, m.render_plate(text, style), m.CAR_PLATE_CENTRE, 136 if style != "green" else 148, rng)
    frame, to_frame = m.car_in_frame(img, frac, rng, (1280, 720))
    car_box = m.clip_box(to_frame(*m.CAR_BOX[:2]) + to_frame(*m.CAR_BOX[2:]), (1280, 720))
    if axis == "rotation":
        frame = rotate_frame(frame, value)
    if axis == "perspective" and value < 1:
        frame, warp = m.keystone(frame, value, ["left", "right", "top", "bottom"][k % 4])
        corners = [warp(*car_box[:2]), warp(car_box[2], car_box[1]), warp(*car_box[2:]), warp(car_box[0], car_box[3])]
        car_box = m.clip_box([min(c[0] for c in corners), min(c[1] for c in corners), max(c[0] for c in corners),
                              max(c[1] for c in corners)], (1280, 720))
    frame = m.degrade(frame, rng, blur=value if axis == "blur" else 0.6, motion=value if axis == "motion" else 0,
                      gain=value if axis == "light" else 1.0, noise=3 if axis == "light" else 0)
    quality = value if axis == "jpeg" else 85
    name = f"{axis}_{value}_{k}.jpg"
    path = os.path.join(out, name)
    frame.save(path, quality=quality)
    tag = f"{axis}={value}"
    checks = [{"metric": f"plate:{tag}", "path": "CarTags.0.PlateContent.Plate", "equals": text},
              {"metric": f"vehicle:{tag}", "path": "$error", "equals": "OK"}]
    if axis != "rotation":  # the labelled box no longer holds once rotated
        checks.append({"metric": f"vehicle_box:{tag}", "path": "CarTags.0.CarLocation", "iou_at_least": 0.5,
                       "box": car_box})
    return {"id": name, "action": "RecognizeCarPro", "image": path, "checks": checks}


def envelope_items(out, rng, axis, value, k):
    kind = k % 4  # letter front, letter back, courier front, courier back
    if kind < 2:
        fg = m.postal_envelope(rng, kind == 0)
        second = "非顺丰文件封" + ("正面" if kind == 0 else "反面")
    else:
        sf = rng.random() < 0.5
        fg = m.envelope(rng, sf, kind == 2)
        second = ("顺丰" if sf else "非顺丰") + "文件封" + ("正面" if kind == 2 else "反面")
    table = Image.new("RGB", (800, 600), rng.choice([(120, 90, 60), (70, 70, 80), (100, 120, 100)]))
    img, _ = m.place_on_background(fg, table, rng, angle=value if axis == "env_rotation" else rng.uniform(-3, 3),
                                   scale=value if axis == "env_scale" else 0.85)
    name = f"{axis}_{value}_{k}.jpg"
    path = os.path.join(out, name)
    img.save(path, quality=85)
    tag = f"{axis}={value}"
    return {"id": name, "action": "DetectEnvelope", "image": path,
            "checks": [{"metric": f"envelope:{tag}", "path": "SecondTags.0.Name", "equals": second}]}


def run_eval(manifest):
    env = dict(os.environ, EVAL_THRESHOLDS="none", EVAL_VERBOSE="0")
    r = subprocess.run(["node", os.path.join(ROOT, "tests", "eval", "eval.js"), manifest], env=env,
                       capture_output=True, text=True, check=True)
    acc = {}
    for line in r.stdout.splitlines():
        row = json.loads(line)
        if "accuracy" in row:
            acc[row["metric"]] = row["accuracy"]
    return acc


def plot(acc, out_dir, per_point):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def series(name, axis, values):
        return [100 * acc.get(f"{name}:{axis}={v}", float("nan")) for v in values]

    panels = [
        ("sweep_vehicle_size.png", "Vehicle width in the frame (%)", "size", SIZES, [100 * v for v in SIZES],
         [("plate", "plate read exactly"), ("vehicle", "vehicle found"), ("vehicle_box", "vehicle box IoU ≥ 0.5")]),
        ("sweep_vehicle_rotation.png", "Photo rotation (degrees)", "rotation", ROTATIONS, ROTATIONS,
         [("plate", "plate read exactly"), ("vehicle", "vehicle found")]),
        ("sweep_vehicle_blur.png", "Gaussian blur sigma (px, 1280x720)", "blur", BLURS, BLURS,
         [("plate", "plate read exactly"), ("vehicle", "vehicle found")]),
        ("sweep_vehicle_jpeg.png", "JPEG quality", "jpeg", QUALITIES, QUALITIES,
         [("plate", "plate read exactly"), ("vehicle", "vehicle found")]),
        ("sweep_vehicle_perspective.png", "Oblique view: far side / near side", "perspective", KEYSTONES,
         KEYSTONES, [("plate", "plate read exactly"), ("vehicle", "vehicle found")]),
        ("sweep_vehicle_light.png", "Exposure (x, with sensor noise)", "light", LIGHTS, LIGHTS,
         [("plate", "plate read exactly"), ("vehicle", "vehicle found")]),
        ("sweep_vehicle_motion.png", "Horizontal motion blur (px, 1280x720)", "motion", MOTIONS, MOTIONS,
         [("plate", "plate read exactly"), ("vehicle", "vehicle found")]),
        ("sweep_envelope_rotation.png", "Envelope rotation (degrees)", "env_rotation", ENV_ROTATIONS, ENV_ROTATIONS,
         [("envelope", "SecondTags exact")]),
        ("sweep_envelope_scale.png", "Envelope width / largest fit", "env_scale", ENV_SCALES, ENV_SCALES,
         [("envelope", "SecondTags exact")]),
    ]
    for fname, xlabel, axis, values, xs, lines in panels:
        fig, ax = plt.subplots(figsize=(5, 3.2), dpi=100)
        for i, (name, label) in enumerate(lines):
            ax.plot(xs, series(name, axis, values), marker="os^"[i], linestyle=["-", "--", ":"][i],
                    markersize=7 - 2 * i, label=label)
        ax.set_title(f"{per_point} images per point (development-style rendering)", fontsize=9)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("accuracy (%)")
        ax.set_ylim(-5, 105)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="lower left")
        fig.tight_layout()
        fig.savefig(os.path.join(out_dir, fname))
        plt.close(fig)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-point", type=int, default=4)
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "vision"))
    ap.add_argument("--axes", help="comma-separated axes to run (default all); the others keep their saved figures")
    ap.add_argument("--plot-only", action="store_true", help="replot <out>/sweeps.json, send nothing")
    args = ap.parse_args()
    if args.plot_only:
        with open(os.path.join(args.out, "sweeps.json"), encoding="utf-8") as f:
            saved = json.load(f)
        plot(saved["accuracy"], args.out, saved["per_point"])
        return
    car = Image.open(m.CAR_DEFAULT).convert("RGB")
    car_axes = [("size", SIZES), ("rotation", ROTATIONS), ("blur", BLURS), ("jpeg", QUALITIES),
                ("perspective", KEYSTONES), ("light", LIGHTS), ("motion", MOTIONS)]
    env_axes = [("env_rotation", ENV_ROTATIONS), ("env_scale", ENV_SCALES)]
    wanted = set(args.axes.split(",")) if args.axes else {a for a, _ in car_axes + env_axes}
    with tempfile.TemporaryDirectory() as tmp:
        items = []
        for axis, values in car_axes + env_axes:
            if axis not in wanted:
                continue
            rng = random.Random(f"9090-{axis}")  # per axis: one axis reruns alone with the same images
            for v in values:
                make = car_items if axis in dict(car_axes) else envelope_items
                items += [make(tmp, rng, car, axis, v, k) if make is car_items else make(tmp, rng, axis, v, k)
                          for k in range(args.per_point)]
        manifest = os.path.join(tmp, "sweeps.json")
        with open(manifest, "w", encoding="utf-8") as f:
            json.dump({"version": 1, "set": "sweep", "items": items}, f, ensure_ascii=False)
        acc = run_eval(manifest)
    acc = {k.split("@")[0]: v for k, v in acc.items()}
    saved_path = os.path.join(args.out, "sweeps.json")
    if args.axes and os.path.exists(saved_path):  # keep the other axes' figures
        with open(saved_path, encoding="utf-8") as f:
            old = json.load(f)["accuracy"]
        acc = {**{k: v for k, v in old.items() if k.split("=")[0].split(":")[1] not in wanted}, **acc}
    with open(saved_path, "w", encoding="utf-8") as f:
        json.dump({"per_point": args.per_point, "accuracy": dict(sorted(acc.items()))}, f, ensure_ascii=False,
                  indent=1)
        f.write("\n")
    plot(acc, args.out, args.per_point)
    print(f"{len(items)} images; plots and sweeps.json in {args.out}")


if __name__ == "__main__":
    main()
