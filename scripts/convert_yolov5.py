#!/usr/bin/python3
"""Converts the YOLOv5s v6 checkpoint (yolov5s.pt) to ONNX.

Runs with Debian's python3-torch (1.13) and nothing from Ultralytics: the
checkpoint is a pickle of `models.yolo.Model`, so stand-in `models.common` and
`models.yolo` classes are registered before loading. Their forward passes are
written here; the pickle only supplies the submodules and weights.

The exported graph:
  input  `images`  float32 [N,3,S,S], RGB, 0..1 (S = --img-size, default 640)
  output `output`  float32 [N,A,85]: cx, cy, w, h in input pixels, objectness,
                   80 COCO class scores, all already sigmoided.
                   A = 3*((S/8)^2 + (S/16)^2 + (S/32)^2) = 25200 at 640.
The batch dimension is dynamic; the spatial size is fixed and the detection
grids are constants (so OpenCV 4.6's DNN can parse the file too). Opset 12.
With --dynamic-size, H and W are dynamic too (any multiples of 32, A follows)
and the grids are computed in the graph: Kanjian letterboxes each photo to
its own aspect (640x384 for 16:9) instead of 640x640, as YOLOv5's own
inference does.

With --embed-output, the backbone alone is exported too (vision/embedder.h):
  input  `images`     float32 [N,3,H,W], RGB, 0..1, H and W multiples of 32
                      (both dynamic; Kanjian feeds 256x256 letterboxed crops)
  output `embedding`  float32 [N,C]: the SPPF output (stride 32), global
                      average pooled; C = 512 for YOLOv5s. Not normalised.

Weights: Ultralytics YOLOv5 (AGPL-3.0 upstream).

Usage: convert_yolov5.py --weights yolov5s.pt --output yolov5s.onnx
                         [--img-size 640] [--check IMAGE]
                         [--embed-output yolov5s_embed.onnx] [--dynamic-size]
"""
import argparse
import sys
import types

import torch
import torch.nn as nn

COCO80 = [
    'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train',
    'truck', 'boat', 'traffic light', 'fire hydrant', 'stop sign',
    'parking meter', 'bench', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow',
    'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella', 'handbag',
    'tie', 'suitcase', 'frisbee', 'skis', 'snowboard', 'sports ball', 'kite',
    'baseball bat', 'baseball glove', 'skateboard', 'surfboard',
    'tennis racket', 'bottle', 'wine glass', 'cup', 'fork', 'knife', 'spoon',
    'bowl', 'banana', 'apple', 'sandwich', 'orange', 'broccoli', 'carrot',
    'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch', 'potted plant',
    'bed', 'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote',
    'keyboard', 'cell phone', 'microwave', 'oven', 'toaster', 'sink',
    'refrigerator', 'book', 'clock', 'vase', 'scissors', 'teddy bear',
    'hair drier', 'toothbrush'
]


# ---- stand-ins for models.common ------------------------------------------
class Conv(nn.Module):
    def forward(self, x):
        if hasattr(self, 'bn'):
            return self.act(self.bn(self.conv(x)))
        return self.act(self.conv(x))  # fused checkpoint


class Bottleneck(nn.Module):
    def forward(self, x):
        y = self.cv2(self.cv1(x))
        return x + y if self.add else y


class C3(nn.Module):
    def forward(self, x):
        return self.cv3(torch.cat((self.m(self.cv1(x)), self.cv2(x)), 1))


class SPPF(nn.Module):
    def forward(self, x):
        x = self.cv1(x)
        y1 = self.m(x)
        y2 = self.m(y1)
        return self.cv2(torch.cat((x, y1, y2, self.m(y2)), 1))


class Concat(nn.Module):
    def forward(self, x):
        return torch.cat(x, self.d)


# ---- stand-ins for models.yolo ---------------------------------------------
class Detect(nn.Module):
    def prepare(self, img_size):
        """Precomputes constant grids for a fixed input size."""
        self.img_size = img_size
        self.const_grid = []
        self.const_anchor_grid = []
        self.strides_py = [int(v) for v in self.stride.float()]
        anchors = self.anchors.float()
        stride = self.stride.float()
        for i in range(self.nl):
            s = int(stride[i])
            ny = nx = img_size // s
            yv, xv = torch.meshgrid(torch.arange(ny, dtype=torch.float32),
                                    torch.arange(nx, dtype=torch.float32),
                                    indexing='ij')
            grid = torch.stack((xv, yv), 2).view(1, 1, ny, nx, 2)
            # v6 stores anchors in grid units (pixels / stride).
            ag = (anchors[i] * stride[i]).view(1, self.na, 1, 1, 2)
            self.const_grid.append(grid - 0.5)  # v6: xy = (2*sig - 0.5 + g)*s
            self.const_anchor_grid.append(ag.expand(1, self.na, ny, nx, 2).clone())
        self.dynamic = False

    def grids_for(self, i, ny, nx):
        """Grids computed from the feature map's own size (--dynamic-size):
        the graph then takes any H, W that are multiples of 32."""
        yv, xv = torch.meshgrid(torch.arange(ny, dtype=torch.float32),
                                torch.arange(nx, dtype=torch.float32),
                                indexing='ij')
        grid = torch.stack((xv, yv), 2).view(1, 1, ny, nx, 2) - 0.5
        ag = (self.anchors[i].float() * self.stride[i].float()).view(1, self.na, 1, 1, 2)
        return grid, ag

    def forward(self, x):
        z = []
        for i in range(self.nl):
            t = self.m[i](x[i])
            if self.dynamic:
                ny, nx = t.shape[2], t.shape[3]
            else:
                ny = nx = self.img_size // self.strides_py[i]
            t = t.view(-1, self.na, self.no, ny, nx).permute(0, 1, 3, 4, 2)
            y = t.sigmoid()
            s = float(self.strides_py[i])
            if self.dynamic:
                grid, anchor_grid = self.grids_for(i, ny, nx)
            else:
                grid, anchor_grid = self.const_grid[i], self.const_anchor_grid[i]
            xy = (y[..., 0:2] * 2 + grid) * s
            wh = (y[..., 2:4] * 2) ** 2 * anchor_grid
            y = torch.cat((xy, wh, y[..., 4:]), -1)
            z.append(y.reshape(-1, self.na * ny * nx, self.no))
        return torch.cat(z, 1)


class Model(nn.Module):
    def forward(self, x):
        y = []
        for m in self.model:
            if m.f != -1:
                x = y[m.f] if isinstance(m.f, int) else \
                    [x if j == -1 else y[j] for j in m.f]
            x = m(x)
            y.append(x if m.i in self.save else None)
        return x


def register_standins():
    pkg = types.ModuleType('models')
    common = types.ModuleType('models.common')
    yolo = types.ModuleType('models.yolo')
    for cls in (Conv, Bottleneck, C3, SPPF, Concat):
        cls.__module__ = 'models.common'
        setattr(common, cls.__name__, cls)
    for cls in (Detect, Model):
        cls.__module__ = 'models.yolo'
        setattr(yolo, cls.__name__, cls)
    pkg.common, pkg.yolo = common, yolo
    sys.modules.update({'models': pkg, 'models.common': common,
                        'models.yolo': yolo})


def load(weights, img_size):
    register_standins()
    ckpt = torch.load(weights, map_location='cpu')
    model = ckpt.get('ema')
    if model is None:
        model = ckpt['model']
    model = model.float().eval()
    for m in model.modules():
        if isinstance(m, nn.Upsample) and not hasattr(m, 'recompute_scale_factor'):
            m.recompute_scale_factor = None  # pickled by an older torch
    detect = model.model[-1]
    assert isinstance(detect, Detect), type(detect)
    assert detect.no == 85, 'expected an 80-class COCO model'
    detect.prepare(img_size)
    return model


def check(model, image_path, img_size):
    """Letterboxes one image, runs the torch model, prints the top boxes."""
    from PIL import Image
    import numpy as np
    im = Image.open(image_path).convert('RGB')
    w, h = im.size
    r = min(img_size / w, img_size / h)
    nw, nh = round(w * r), round(h * r)
    canvas = Image.new('RGB', (img_size, img_size), (114, 114, 114))
    px, py = (img_size - nw) // 2, (img_size - nh) // 2
    canvas.paste(im.resize((nw, nh), Image.BILINEAR), (px, py))
    x = torch.from_numpy(np.asarray(canvas, dtype=np.float32) / 255.0)
    x = x.permute(2, 0, 1).unsqueeze(0)
    with torch.no_grad():
        out = model(x)[0]
    conf = out[:, 4:5] * out[:, 5:]
    score, cls = conf.max(1)
    keep = score > 0.4
    out, score, cls = out[keep], score[keep], cls[keep]
    boxes = torch.cat((out[:, :2] - out[:, 2:4] / 2,
                       out[:, :2] + out[:, 2:4] / 2), 1)
    found = []
    for c in cls.unique():
        idx = (cls == c).nonzero().flatten()
        for k in _nms(boxes[idx], score[idx], 0.45):
            b = boxes[idx][k]
            found.append((COCO80[int(c)], float(score[idx][k]),
                          [round(float(v)) for v in
                           ((b[0] - px) / r, (b[1] - py) / r,
                            (b[2] - px) / r, (b[3] - py) / r)]))
    for name, s, b in sorted(found, key=lambda f: -f[1]):
        print(f'convert_yolov5: check {name} {s:.2f} {b}')
    return found


def _nms(boxes, scores, iou):
    order = scores.argsort(descending=True).tolist()
    keep = []
    while order:
        i = order.pop(0)
        keep.append(i)
        rest = []
        for j in order:
            a, b = boxes[i], boxes[j]
            iw = (torch.min(a[2], b[2]) - torch.max(a[0], b[0])).clamp(min=0)
            ih = (torch.min(a[3], b[3]) - torch.max(a[1], b[1])).clamp(min=0)
            inter = iw * ih
            area = lambda r: (r[2] - r[0]) * (r[3] - r[1])
            if inter / (area(a) + area(b) - inter) <= iou:
                rest.append(j)
        order = rest
    return keep


class Backbone(nn.Module):
    """Layers up to and including the first SPPF, then global average pool."""
    def __init__(self, model):
        super().__init__()
        last = next(i for i, m in enumerate(model.model) if isinstance(m, SPPF))
        assert all(m.f == -1 for m in model.model[:last + 1]), 'backbone is not a chain'
        self.layers = nn.Sequential(*model.model[:last + 1])

    def forward(self, x):
        return self.layers(x).mean((2, 3))


def export_backbone(model, output):
    backbone = Backbone(model).eval()
    dummy = torch.zeros(1, 3, 256, 256)
    with torch.no_grad():
        dim = backbone(dummy).shape[1]
        torch.onnx.export(
            backbone, dummy, output, opset_version=12,
            input_names=['images'], output_names=['embedding'],
            dynamic_axes={'images': {0: 'batch', 2: 'height', 3: 'width'},
                          'embedding': {0: 'batch'}},
            do_constant_folding=True)
    print(f'convert_yolov5: wrote {output} (images[N,3,H,W] -> embedding[N,{dim}])')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--weights', required=True)
    ap.add_argument('--output', required=True)
    ap.add_argument('--img-size', type=int, default=640)
    ap.add_argument('--check', help='image to run through the torch model')
    ap.add_argument('--embed-output', help='also export the pooled backbone here')
    ap.add_argument('--dynamic-size', action='store_true',
                    help='H and W dynamic (multiples of 32): rectangular letterbox')
    args = ap.parse_args()
    if args.img_size % 32:
        sys.exit('convert_yolov5: --img-size must be a multiple of 32')

    torch.set_num_threads(max(1, torch.get_num_threads()))
    model = load(args.weights, args.img_size)
    if args.check:
        check(model, args.check, args.img_size)

    dummy = torch.zeros(1, 3, args.img_size, args.img_size)
    axes = {'images': {0: 'batch'}, 'output': {0: 'batch'}}
    if args.dynamic_size:
        model.model[-1].dynamic = True
        axes = {'images': {0: 'batch', 2: 'height', 3: 'width'},
                'output': {0: 'batch', 1: 'anchors'}}
    with torch.no_grad():
        torch.onnx.export(
            model, dummy, args.output, opset_version=12,
            input_names=['images'], output_names=['output'],
            dynamic_axes=axes, do_constant_folding=True)
    size = 'H,W' if args.dynamic_size else f'{args.img_size},{args.img_size}'
    print(f'convert_yolov5: wrote {args.output} (input images[N,3,{size}])')
    if args.dynamic_size:
        model.model[-1].dynamic = False
    if args.embed_output:
        export_backbone(model, args.embed_output)


if __name__ == '__main__':
    main()
