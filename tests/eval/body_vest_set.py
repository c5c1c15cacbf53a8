#!/usr/bin/python3
"""Builds the labelled 反光衣识别 (reflective vest) set from real photos.

No photo of a reflective vest ships in any Debian/npm package we can reach,
so positives are rendered: on each real person crop listed in
SOURCES below, a vest (fluorescent yellow-green or orange, with
two silver stripes, shaded by the original luminance) is painted over the
torso. Negatives are the same crops untouched, or with a vest painted in an
ordinary colour (navy, red, grey, white, dark green) so that a classifier
must learn "fluorescent", not "something painted on the torso". Variants
jitter the crop margin, brightness/contrast and mirror the crop.

The split is by source photo (a person in `test` is never seen in `train`).

Usage: body_vest_set.py --out DIR   (sources: SOURCES below)
Writes DIR/{train,test}/{有反光衣,无反光衣}/*.png and DIR/labels.json.
Needs Debian's python3-numpy and python3-pil; the riders photo is read from
the npm tarball scripts/fetch_models.sh caches ($KANJIAN_CACHE, default ~/.cache/kanjian).
"""
import argparse
import colorsys
import json
import os
import random
import tarfile

import numpy as np
from PIL import Image, ImageDraw

FLUO = [(200, 255, 40), (170, 255, 60), (230, 255, 30), (255, 140, 20), (255, 110, 30)]
# Person boxes from the bundled YOLOv5s, checked by eye. Split by source photo.
SOURCES = json.loads(r'''{
 "seed": 1,
 "variants_per_person": 12,
 "sources": [
  {
   "name": "riders",
   "split": "train",
   "image": "$KANJIAN_CACHE/npm/homebridge-unifi-protect-camera-motion-0.7.6.tgz",
   "member": "package/resources/images/test.jpg",
   "from": "npm homebridge-unifi-protect-camera-motion@0.7.6 (sha512-pinned in scripts/fetch_models.sh)",
   "persons": [
    [
     979,
     103,
     380,
     625
    ],
    [
     566,
     157,
     261,
     554
    ],
    [
     778,
     411,
     271,
     510
    ],
    [
     190,
     121,
     273,
     577
    ],
    [
     378,
     399,
     265,
     513
    ]
   ]
  },
  {
   "name": "person",
   "split": "test",
   "image": "/usr/share/darknet/data/person.jpg",
   "from": "Debian darknet",
   "persons": [
    [
     190,
     98,
     84,
     283
    ]
   ]
  },
  {
   "name": "kite",
   "split": "test",
   "image": "/usr/share/darknet/data/kite.jpg",
   "from": "Debian darknet",
   "persons": [
    [
     216,
     695,
     54,
     167
    ],
    [
     114,
     612,
     52,
     154
    ]
   ]
  }
 ]
}''')

PLAIN = [(30, 40, 110), (170, 30, 30), (120, 120, 120), (235, 235, 230), (30, 90, 40),
         (90, 60, 40)]


def jitter_color(rgb, rng):
    h, s, v = colorsys.rgb_to_hsv(*[c / 255 for c in rgb])
    h = (h + rng.uniform(-0.02, 0.02)) % 1
    s = min(1, max(0, s * rng.uniform(0.9, 1.05)))
    v = min(1, max(0, v * rng.uniform(0.9, 1.0)))
    return tuple(int(c * 255) for c in colorsys.hsv_to_rgb(h, s, v))


def paint_vest(crop, color, rng):
    """Paints a vest on the torso of a person crop (H x W x 3 uint8)."""
    h, w = crop.shape[:2]
    top, bottom = int(h * rng.uniform(0.17, 0.22)), int(h * rng.uniform(0.50, 0.58))
    left, right = int(w * rng.uniform(0.18, 0.28)), int(w * rng.uniform(0.72, 0.82))
    mask = Image.new('L', (w, h), 0)
    d = ImageDraw.Draw(mask)
    neck = (left + right) // 2
    d.polygon([(left, top), (neck - w * 0.08, top), (neck, top + (bottom - top) * 0.35),
               (neck + w * 0.08, top), (right, top), (right, bottom), (left, bottom)], fill=255)
    m = np.asarray(mask, dtype=np.float32)[..., None] / 255
    grey = crop.astype(np.float32).mean(axis=2, keepdims=True)
    inside = grey[m[..., 0] > 0]
    shade = np.clip(grey / max(1.0, float(inside.mean()) if inside.size else 128.0), 0.6, 1.25)
    vest = np.clip(np.array(color, np.float32)[None, None, :] * shade, 0, 255)
    for frac in (0.62, 0.85):  # two reflective stripes
        y0 = top + int((bottom - top) * frac)
        y1 = y0 + max(2, int((bottom - top) * 0.07))
        vest[y0:y1] = np.clip(205 * shade[y0:y1], 0, 255)
    return (crop * (1 - m) + vest * m).astype(np.uint8)


def augment(crop, rng):
    img = crop.astype(np.float32)
    img = img * rng.uniform(0.75, 1.2) + rng.uniform(-20, 20)
    img = np.clip(img, 0, 255).astype(np.uint8)
    if rng.random() < 0.5:
        img = img[:, ::-1]
    return np.ascontiguousarray(img)


def person_crop(image, box, rng):
    x, y, w, h = box
    mx, my = w * rng.uniform(0.0, 0.12), h * rng.uniform(0.0, 0.06)
    x0, y0 = max(0, int(x - mx)), max(0, int(y - my))
    x1, y1 = min(image.shape[1], int(x + w + mx)), min(image.shape[0], int(y + h + my))
    return image[y0:y1, x0:x1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', required=True)
    args = ap.parse_args()
    manifest = SOURCES
    rng = random.Random(manifest.get('seed', 1))
    per = manifest.get('variants_per_person', 8)
    labels = []
    for src in manifest['sources']:
        os.environ.setdefault('KANJIAN_CACHE', os.path.expanduser('~/.cache/kanjian'))
        path = os.path.expanduser(os.path.expandvars(src['image']))
        if 'member' in src:  # a photo inside a cached npm tarball
            with tarfile.open(path) as tgz:
                image = np.asarray(Image.open(tgz.extractfile(src['member'])).convert('RGB'))
        else:
            image = np.asarray(Image.open(path).convert('RGB'))
        for pi, box in enumerate(src['persons']):
            for v in range(per):
                crop = person_crop(image, box, rng)
                kind = 'vest' if v % 2 == 0 else ('none' if v % 4 == 1 else 'plain')
                if kind == 'vest':
                    crop = paint_vest(crop, jitter_color(rng.choice(FLUO), rng), rng)
                elif kind == 'plain':
                    crop = paint_vest(crop, jitter_color(rng.choice(PLAIN), rng), rng)
                crop = augment(crop, rng)
                label = '有反光衣' if kind == 'vest' else '无反光衣'
                rel = os.path.join(src['split'], label,
                                   f"{src['name']}_p{pi}_v{v}_{kind}.png")
                os.makedirs(os.path.join(args.out, os.path.dirname(rel)), exist_ok=True)
                Image.fromarray(crop).save(os.path.join(args.out, rel))
                labels.append({'file': rel, 'label': label, 'source': src['name'],
                               'split': src['split'], 'render': kind})
    json.dump({'attribute': '反光衣识别', 'images': labels},
              open(os.path.join(args.out, 'labels.json'), 'w'), ensure_ascii=False, indent=1)
    n = {s: sum(1 for l in labels if l['split'] == s) for s in ('train', 'test')}
    print(f"body_vest_set: wrote {len(labels)} images ({n}) into {args.out}")


if __name__ == '__main__':
    main()
