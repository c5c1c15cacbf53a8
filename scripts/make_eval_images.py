#!/usr/bin/python3
"""Renders the synthetic evaluation images for RecognizeCar(Pro) and
DetectEnvelope, and writes their labelled manifest.

  scripts/make_eval_images.py [--out tests/eval] [--car PATH] [--set dev|heldout]

Needs Debian's python3-pil, python3-numpy, fonts-wqy-microhei and (held-out set)
fonts-wqy-zenhei and fonts-arphic-ukai/uming (`apt-get install python3-pil python3-numpy
fonts-wqy-microhei fonts-wqy-zenhei fonts-arphic-ukai fonts-arphic-uming opencv-doc`). The car
photo is OpenCV's samples/data/licenseplate_motion.jpg (Debian opencv-doc,
/usr/share/doc/opencv-doc/examples/data/); the other photos come from Debian's
darknet package. Output is deterministic (seeded) and small (committed):
  <out>/images/*.jpg
  <out>/ocr_car_envelope.json   manifest (format: tests/eval/README.md)
With --set heldout, the held-out set instead (nothing is tuned on it):
  <out>/images/heldout/*.jpg
  <out>/heldout.json
--set heldout_plates (plate stress: tilt, perspective, motion blur, low light,
JPEG 30, small plates), --set heldout_colour (vehicle colour) and --set
heldout_backs (envelope backs against blank sheets, per background) write
heldout_<name>.json and images/heldout_<name>/.

Two-row yellow plates (large vehicles) also go on OpenCV's
pexels_double_decker_bus.jpg (same package, opencv4/html/; --bus PATH).
"""
import argparse
import json
import os
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
DARKNET = "/usr/share/darknet/data"
CAR_DEFAULT = "/usr/share/doc/opencv-doc/examples/data/licenseplate_motion.jpg"
BUS_DEFAULT = "/usr/share/doc/opencv-doc/opencv4/html/pexels_double_decker_bus.jpg"
# In the bus photo (546x413): its front (UK) plate, and the bus around it.
BUS_PLATE_CENTRE = (430, 370)
BUS_BOX = (65, 112, 478, 392)
# Where the (blurred, unreadable) plate of licenseplate_motion.jpg sits, and
# the car around it, in its 600x482 pixels.
CAR_PLATE_CENTRE = (293, 262)
CAR_BOX = (0, 30, 600, 440)

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青川宁琼"
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I, O
ALNUM = LETTERS + "0123456789"

PLATE_STYLES = {  # background, text colour, expected Color / Type
    "blue": ((20, 70, 190), (255, 255, 255), "蓝", "普通蓝牌"),
    "yellow": ((240, 190, 20), (10, 10, 10), "黄", "普通黄牌"),
    "green": ((90, 200, 110), (10, 10, 10), "绿", "新能源绿牌"),
}


def font(size, path=FONT):
    return ImageFont.truetype(path, size)


def random_plate(rng, style):
    head = rng.choice(PROVINCES) + rng.choice(LETTERS)
    if style == "green":  # new energy: D/F then 5 alphanumerics (small car)
        return head + rng.choice("DF") + "".join(rng.choice(ALNUM[:4] + "0123456789") for _ in range(5))
    tail = "".join(rng.choice("0123456789") if i % 2 else rng.choice(ALNUM) for i in range(5))
    return head + tail


def render_plate(text, style, font_path=FONT):
    """A 440x140 plate image (the real size in mm, 1 px/mm); 480x140 for new energy."""
    bg, fg, _, _ = PLATE_STYLES[style]
    w = 480 if style == "green" else 440
    plate = Image.new("RGB", (w, 140), bg)
    d = ImageDraw.Draw(plate)
    if style == "green":  # gradient from white-green at the top to green
        for y in range(140):
            t = y / 139
            c = tuple(int(230 * (1 - t) + bg[i] * t) for i in range(3))
            d.line([(0, y), (w, y)], fill=c)
    d.rounded_rectangle([4, 4, w - 5, 135], radius=10, outline=fg, width=3)
    # One cell per character (condensed, as plate fonts are), a dot after the
    # second: 45 mm characters with ~12 mm gaps on a real plate.
    n = len(text)
    dot = 20
    cell = (w - 24 - dot) / n
    x = 12.0
    for i, ch in enumerate(text):
        glyph = Image.new("L", (110, 110), 0)
        ImageDraw.Draw(glyph).text((55, 55), ch, font=font(100, font_path), fill=255, anchor="mm")
        bbox = glyph.getbbox() or (0, 0, 110, 110)
        glyph = glyph.crop(bbox).resize((int(cell * 0.82), 104), Image.LANCZOS)
        plate.paste(Image.new("RGB", glyph.size, fg), (int(x + cell * 0.09), 18), glyph)
        x += cell
        if i == 1:
            d.ellipse([x + 4, 64, x + 14, 74], fill=fg)
            x += dot
    return plate


def glyph_on(plate, ch, colour, box):
    """Draws `ch` stretched to fill box (x, y, w, h) of `plate`, as plate fonts are."""
    x, y, w, h = box
    glyph = Image.new("L", (110, 110), 0)
    ImageDraw.Draw(glyph).text((55, 55), ch, font=font(100), fill=255, anchor="mm")
    glyph = glyph.crop(glyph.getbbox() or (0, 0, 110, 110)).resize((w, h), Image.LANCZOS)
    plate.paste(Image.new("RGB", glyph.size, colour), (x, y), glyph)


def render_two_row_plate(text, top=None, top_x=None, bottom_y=95):
    """A 440x220 two-row yellow plate (rear plate of trucks, buses, trailers):
    province + letter in the top row (80x60 mm characters), the other 5 in the
    bottom row (65x110 mm). `top` overrides the top row's text and `top_x` its
    left edge, and a larger `bottom_y` pushes the bottom row down (negative
    samples: text that is no plate); the canvas grows to fit."""
    bg, fg, _, _ = PLATE_STYLES["yellow"]
    head, tail = (top or text[:2]), text[2:]
    h = max(220, bottom_y + 125)
    plate = Image.new("RGB", (440, h), bg)
    ImageDraw.Draw(plate).rounded_rectangle([4, 4, 435, h - 5], radius=10, outline=fg, width=3)
    x = 110 if top_x is None else top_x
    for ch in head:
        glyph_on(plate, ch, fg, (x, 15, 80, 60))
        x += 140
    x = 33
    for ch in tail:
        glyph_on(plate, ch, fg, (x, bottom_y, 65, 110))
        x += 77
    return plate


def paste_plate(img, plate, centre, width, rng, angle=None):
    """Pastes the plate (scaled to `width`, a slight tilt unless `angle` says)
    centred at `centre`; returns its 4 corners [[x,y]...] clockwise from top-left."""
    h = int(round(width * plate.height / plate.width))
    p = plate.resize((width, h), Image.LANCZOS)
    if angle is None:
        angle = rng.uniform(-4, 4)
    p = p.convert("RGBA").rotate(angle, expand=True, resample=Image.BICUBIC)
    x0 = int(centre[0] - p.width / 2)
    y0 = int(centre[1] - p.height / 2)
    img.paste(p, (x0, y0), p)
    import math
    a = math.radians(-angle)
    cx, cy = centre
    corners = []
    for dx, dy in [(-width / 2, -h / 2), (width / 2, -h / 2), (width / 2, h / 2), (-width / 2, h / 2)]:
        corners.append([round(cx + dx * math.cos(a) - dy * math.sin(a)),
                        round(cy + dx * math.sin(a) + dy * math.cos(a))])
    return corners


# Car colours: the silver car recoloured by keeping its luminance and
# replacing its chroma. (name, RGB target for mid-grey, luminance gain)
CAR_COLOURS = [
    ("银灰", None, 1.0),
    ("白", (255, 255, 255), 1.35),
    ("黑", (40, 40, 40), 0.25),
    ("红", (200, 25, 25), 0.75),
    ("蓝", (30, 70, 200), 0.75),
    ("黄", (235, 200, 30), 0.95),
    ("绿", (40, 150, 60), 0.7),
]


def recolour(img, target, gain):
    if target is None:
        return img.copy()
    a = np.asarray(img).astype(np.float32) / 255
    lum = (0.299 * a[..., 0] + 0.587 * a[..., 1] + 0.114 * a[..., 2])[..., None]
    # Only the grey body: leave the saturated tail lights as they are.
    sat = a.max(axis=2, keepdims=True) - a.min(axis=2, keepdims=True)
    t = np.array(target, np.float32)[None, None, :] / 255
    body = np.clip(lum * gain * (t / max(t.mean(), 1e-3)) if gain < 1.2 else lum * gain, 0, 1)
    if target == (255, 255, 255):
        body = np.clip(lum * gain, 0, 1).repeat(3, axis=2)
    w = np.clip(1 - (sat - 0.15) / 0.15, 0, 1)
    out = body * w + a * (1 - w)
    return Image.fromarray((out * 255).astype(np.uint8))


def on_road(car_img, rng, size=(1280, 720)):
    """The car photo scaled into a 1280x720 street-like frame (grey road, a
    lighter sky band), so the vehicle fills part of the frame as in traffic
    photos. Returns the image and f(x, y) mapping car-photo pixels into it."""
    W, H = size
    frame = Image.new("RGB", size)
    d = ImageDraw.Draw(frame)
    for y in range(H):
        t = y / (H - 1)
        g = int(175 - 70 * t)
        d.line([(0, y), (W, y)], fill=(g, g, g - 5))
    width = rng.randint(500, 620)
    scale = width / car_img.width
    height = int(round(car_img.height * scale))
    x0 = rng.randint(120, W - width - 120)
    y0 = rng.randint(H - height - 60, H - height - 10)
    frame.paste(car_img.resize((width, height), Image.LANCZOS), (x0, y0))
    return frame, (lambda x, y: [round(x0 + x * scale), round(y0 + y * scale)])


def envelope(rng, sf, front, size=(640, 440), font_path=FONT):
    paper = rng.choice([(236, 226, 205), (245, 245, 240), (225, 205, 170)])
    e = Image.new("RGB", size, paper)
    d = ImageDraw.Draw(e)
    W, H = size
    brand = ("顺丰速运", "SF EXPRESS") if sf else rng.choice(
        [("中通快递", "ZTO EXPRESS"), ("圆通速递", "YTO EXPRESS"), ("中国邮政 EMS", "EMS"),
         ("韵达快递", "YUNDA EXPRESS")])
    accent = (30, 30, 30) if sf else rng.choice([(20, 60, 160), (120, 40, 140), (0, 110, 60)])
    if front:
        d.rectangle([0, 0, W, 60], fill=accent)
        d.text((20, 10), brand[0], font=font(34, font_path), fill=(255, 255, 255))
        d.text((W - 230, 18), brand[1], font=font(24, font_path), fill=(255, 255, 255))
        number = ("SF" if sf else "") + "".join(rng.choice("0123456789") for _ in range(12))
        # Barcode: random bar widths.
        x = 30
        while x < 360:
            bw = rng.choice([2, 2, 3, 4, 6])
            d.rectangle([x, 80, x + bw - 1, 150], fill=(0, 0, 0))
            x += bw + rng.choice([2, 3, 4])
        d.text((30, 156), "运单号 " + number, font=font(22, font_path), fill=(0, 0, 0))
        d.text((30, 200), "寄件人：" + rng.choice(["李四", "王芳", "陈明"]) + "  138****" +
               str(rng.randint(1000, 9999)), font=font(24, font_path), fill=(0, 0, 0))
        d.text((30, 240), "收件人：" + rng.choice(["张三", "刘洋", "赵敏"]) + "  139****" +
               str(rng.randint(1000, 9999)), font=font(24, font_path), fill=(0, 0, 0))
        d.text((30, 280), "地址：" + rng.choice(["广东省深圳市南山区科技园", "北京市海淀区中关村大街1号",
                                              "上海市浦东新区世纪大道100号"]), font=font(22, font_path), fill=(0, 0, 0))
        d.text((30, 330), "文件", font=font(26, font_path), fill=(0, 0, 0))
    else:
        d.text((W // 2 - 140, 60), brand[0], font=font(64, font_path), fill=accent)
        d.text((W // 2 - 100, 150), brand[1], font=font(30, font_path), fill=accent)
        d.text((40, 240), "温馨提示：本文件封仅限寄递文件资料", font=font(22, font_path), fill=(60, 60, 60))
        d.text((40, 280), "请勿寄递现金及违禁物品", font=font(22, font_path), fill=(60, 60, 60))
        d.text((40, 330), "服务热线 " + ("95338" if sf else rng.choice(["95311", "95554", "11183"])),
               font=font(22, font_path), fill=(60, 60, 60))
    return e


def document_page(rng, size=(640, 440), font_path=FONT):
    """A text page that is no envelope (negative with text)."""
    e = Image.new("RGB", size, (250, 250, 250))
    d = ImageDraw.Draw(e)
    title, lines = rng.choice([
        ("会议通知", ["时间：周三下午三点", "地点：三楼会议室", "议题：季度工作总结", "请各部门准时参加"]),
        ("今日菜单", ["宫保鸡丁 28元", "鱼香肉丝 26元", "麻婆豆腐 18元", "米饭 2元"]),
        ("READING LIST", ["1. Design of Computer Programs", "2. The C++ Programming Language",
                          "3. Computer Vision", "4. Pattern Recognition"]),
    ])
    d.text((40, 30), title, font=font(40, font_path), fill=(0, 0, 0))
    for i, l in enumerate(lines):
        d.text((40, 110 + 60 * i), l, font=font(28, font_path), fill=(30, 30, 30))
    return e


def place_on_background(fg, bg, rng, out_size=(800, 600), angle=None, scale=None):
    """fg rotated a little and pasted on bg (resized to out_size); returns image and fg box.
    `angle` (degrees) and `scale` (of the largest fit) override the random ones."""
    canvas = bg.resize(out_size)
    if angle is None:
        angle = rng.uniform(-8, 8)
    fit = min(out_size[0] / fg.width, out_size[1] / fg.height)
    scale = (rng.uniform(0.8, 0.95) if scale is None else scale) * fit
    f = fg.resize((int(fg.width * scale), int(fg.height * scale)), Image.LANCZOS).convert("RGBA")
    f = f.rotate(angle, expand=True, resample=Image.BICUBIC)
    x0 = (out_size[0] - f.width) // 2 + rng.randint(-20, 20)
    y0 = (out_size[1] - f.height) // 2 + rng.randint(-20, 20)
    canvas.paste(f, (x0, y0), f)
    return canvas, [x0, y0, x0 + f.width, y0 + f.height]


def save(img, out, name, quality=82):
    path = os.path.join(out, "images", name)
    img.convert("RGB").save(path, quality=quality, optimize=True)
    return "images/" + name


def two_row_items(args, car):
    """Two-row yellow plates on the bus (scaled 2x) and on the car; two
    negatives whose lines would pass the grammar if joined but are not laid
    out as a plate. Metrics are named two_row_* so the single-row figures stay
    comparable. Its own seed: the images above do not change."""
    rng = random.Random(20250302)
    bus = Image.open(args.bus).convert("RGB")
    bus = bus.resize((bus.width * 2, bus.height * 2), Image.LANCZOS)
    items = []

    def item(name, img, text, corners):
        rel = save(img, args.out, name)
        box = [min(c[0] for c in corners), min(c[1] for c in corners),
               max(c[0] for c in corners), max(c[1] for c in corners)]
        checks = [{"metric": "two_row_plate", "path": "CarTags.0.PlateContent.Plate", "equals": text}]
        if text:
            checks += [
                {"metric": "two_row_plate_color", "path": "CarTags.0.PlateContent.Color", "equals": "黄"},
                {"metric": "two_row_plate_box", "path": "CarTags.0.PlateContent.PlateLocation",
                 "iou_at_least": 0.3, "box": box}]
        items.append({"id": name[:-4], "action": "RecognizeCarPro", "image": rel, "checks": checks})
        return box

    def plate_text(trailer):
        head = rng.choice(PROVINCES) + rng.choice(LETTERS)
        n = 4 if trailer else 5
        return head + "".join(rng.choice("0123456789") if i % 2 else rng.choice(ALNUM)
                              for i in range(n)) + ("挂" if trailer else "")

    labels = []
    for i in range(4):
        text = plate_text(trailer=(i == 3))
        img = bus.copy()
        centre = (BUS_PLATE_CENTRE[0] * 2, BUS_PLATE_CENTRE[1] * 2)
        corners = paste_plate(img, render_two_row_plate(text), centre, rng.randint(112, 128), rng)
        img = img.filter(ImageFilter.GaussianBlur(0.6))
        name = f"bus_two_row_{i}.jpg"
        labels.append((name, text, [c * 2 for c in BUS_BOX], item(name, img, text, corners)))
    for i in range(4):
        text = plate_text(trailer=(i == 1))
        img = recolour(car, *CAR_COLOURS[(2 * i) % len(CAR_COLOURS)][1:])
        corners = paste_plate(img, render_two_row_plate(text), CAR_PLATE_CENTRE, 120, rng)
        img = img.filter(ImageFilter.GaussianBlur(0.6))
        img, to_frame = on_road(img, rng)
        corners = [to_frame(*c) for c in corners]
        name = f"car_two_row_{i}.jpg"
        labels.append((name, text, to_frame(*CAR_BOX[:2]) + to_frame(*CAR_BOX[2:]),
                       item(name, img, text, [c for c in corners])))
    # Negatives: the top line beside the bottom one (no overlap), and far above it.
    for i, kw in enumerate([{"top_x": -60}, {"bottom_y": 260}]):
        text = plate_text(trailer=False)
        if "top_x" in kw:  # top line ends left of where the bottom line begins
            plate = render_two_row_plate("  " + text[2:], bottom_y=95)
            wide = Image.new("RGB", (880, plate.height), PLATE_STYLES["yellow"][0])
            wide.paste(plate, (440, 0))
            for j, ch in enumerate(text[:2]):
                glyph_on(wide, ch, PLATE_STYLES["yellow"][1], (120 + 140 * j, 15, 80, 60))
            plate = wide
        else:
            plate = render_two_row_plate(text, **kw)
        img = recolour(car, None, 1.0)
        width = 240 if "top_x" in kw else 120
        paste_plate(img, plate, CAR_PLATE_CENTRE, width, rng)
        img = img.filter(ImageFilter.GaussianBlur(0.6))
        img, to_frame = on_road(img, rng)
        name = f"car_two_row_negative_{i}.jpg"
        item(name, img, "", [[0, 0], [1, 1]])
        labels.append((name, "", to_frame(*CAR_BOX[:2]) + to_frame(*CAR_BOX[2:]), None))
    print("two-row labels (image, plate, vehicle box, plate box):")
    for label in labels:
        print("  ", label)
    return items


# --- Close-up vehicles, postal envelopes, and the held-out variations ---------

def road_frame(size, bg=None):
    """A street-like backdrop (grey road, lighter sky) or `bg` resized to size."""
    if bg is not None:
        return bg.resize(size, Image.LANCZOS)
    W, H = size
    frame = Image.new("RGB", size)
    d = ImageDraw.Draw(frame)
    for y in range(H):
        g = int(175 - 70 * y / (H - 1))
        d.line([(0, y), (W, y)], fill=(g, g, g - 5))
    return frame


def car_in_frame(car_img, frac, rng, size=(1280, 720), bg=None, jitter=0.1):
    """The car photo scaled so that the car (CAR_BOX) spans `frac` of the frame
    width, placed low and near the middle (a gate or parking camera); from
    frac ~1 on the car fills and overflows the frame (cropped at its edges).
    Returns the frame and f(x, y) mapping car-photo pixels into it."""
    W, H = size
    cw, ch = CAR_BOX[2] - CAR_BOX[0], CAR_BOX[3] - CAR_BOX[1]
    scale = frac * W / cw
    big = car_img.resize((max(1, round(car_img.width * scale)), max(1, round(car_img.height * scale))),
                         Image.LANCZOS)
    # Centre of the car in the frame: anywhere it fits when small, the middle
    # (with a little jitter) when it fills the frame.
    half_w, half_h = cw * scale / 2, ch * scale / 2
    lo_x, hi_x = min(half_w, W / 2), max(W - half_w, W / 2)
    lo_y, hi_y = min(half_h, H / 2), max(H - half_h, H / 2)
    cx = rng.uniform(lo_x, hi_x) if hi_x > lo_x + 1 else W / 2 + rng.uniform(-jitter, jitter) * W
    cy = rng.uniform(max(lo_y, (lo_y + hi_y) / 2), hi_y) if hi_y > lo_y + 1 else H / 2 + rng.uniform(-jitter, jitter) * H
    x0 = round(cx - (CAR_BOX[0] + cw / 2) * scale)
    y0 = round(cy - (CAR_BOX[1] + ch / 2) * scale)
    frame = road_frame(size, bg)
    frame.paste(big, (x0, y0))
    return frame, (lambda x, y: [round(x0 + x * scale), round(y0 + y * scale)])


def clip_box(box, size):
    W, H = size
    return [max(0, box[0]), max(0, box[1]), min(W, box[2]), min(H, box[3])]


def degrade(img, rng, blur=0.0, motion=0, gain=1.0, quality=82, noise=0.0):
    """Blur (Gaussian sigma), horizontal motion blur (px), lighting gain,
    sensor noise; the JPEG quality is applied by save()."""
    if blur > 0:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    a = np.asarray(img).astype(np.float32)
    if motion > 1:
        k = int(motion)
        acc = np.zeros_like(a)
        for i in range(k):
            acc += np.roll(a, i - k // 2, axis=1)
        a = acc / k
    a = a * gain
    if noise > 0:
        a = a + np.random.default_rng(rng.randint(0, 1 << 30)).normal(0, noise, a.shape)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


def closeup_car_item(name, car, rng, frac, style, out, colour="银灰", plate_font=FONT, bg=None,
                     angle=None, blur=0.6, motion=0, gain=1.0, quality=82, plate_width=None,
                     size=(1280, 720), action="RecognizeCarPro", metric_prefix=""):
    """One rear-view car with a synthetic plate at `frac` of the frame width;
    checks the vehicle box (clipped to the frame), the plate text and box."""
    text = random_plate(rng, style)
    target, gain_c = dict((c[0], c[1:]) for c in CAR_COLOURS)[colour]
    img = recolour(car, target, gain_c)
    width = plate_width or (136 if style != "green" else 148)
    corners = paste_plate(img, render_plate(text, style, plate_font), CAR_PLATE_CENTRE, width, rng, angle)
    frame, to_frame = car_in_frame(img, frac, rng, size, bg)
    frame = degrade(frame, rng, blur=blur, motion=motion, gain=gain)
    corners = [to_frame(*c) for c in corners]
    car_box = clip_box(to_frame(*CAR_BOX[:2]) + to_frame(*CAR_BOX[2:]), size)
    plate_box = [min(c[0] for c in corners), min(c[1] for c in corners),
                 max(c[0] for c in corners), max(c[1] for c in corners)]
    rel = save(frame, out, name, quality)
    m = metric_prefix
    checks = [{"metric": m + "car_box", "path": "CarTags.0.CarLocation", "iou_at_least": 0.5, "box": car_box}]
    if action == "RecognizeCarPro":
        checks.append({"metric": m + "plate", "path": "CarTags.0.PlateContent.Plate", "equals": text})
        checks.append({"metric": m + "plate_box", "path": "CarTags.0.PlateContent.PlateLocation",
                       "iou_at_least": 0.3, "box": plate_box})
    return {"id": name[:-4], "action": action, "image": rel, "checks": checks}


POSTCODES = ["100080", "200120", "518057", "310012", "610041", "430070", "710061", "210008"]
ADDRESSES = ["北京市海淀区中关村大街27号", "上海市浦东新区世纪大道100号", "广东省深圳市南山区科技园南路",
             "浙江省杭州市西湖区文三路90号", "四川省成都市武侯区人民南路四段", "湖北省武汉市洪山区珞喻路",
             "陕西省西安市雁塔区长安南路", "江苏省南京市鼓楼区中山路18号"]
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏"]


def postal_envelope(rng, front, font_path=FONT, size=(660, 330)):
    """A plain Chinese letter envelope (国内信封, 220x110 mm): on the front the
    recipient's postcode in 6 red boxes top-left, the stamp box top-right, the
    address lines, the name with 收, the sender's address with 寄 and postcode
    bottom-right; on the back the flap and nothing printed."""
    W, H = size
    paper = rng.choice([(246, 244, 236), (240, 232, 212), (250, 250, 250), (232, 222, 196)])
    e = Image.new("RGB", size, paper)
    d = ImageDraw.Draw(e)
    red = (200, 40, 40)
    if not front:
        # Flap: a trapezoid from the top corners down to ~45 % of the height,
        # its edge a faint fold line with a shadow.
        depth = int(H * rng.uniform(0.38, 0.5))
        inset = int(W * rng.uniform(0.25, 0.4))
        shade = tuple(max(0, c - 18) for c in paper)
        d.polygon([(0, 0), (W, 0), (W - inset, depth), (inset, depth)], fill=tuple(max(0, c - 6) for c in paper))
        d.line([(0, 0), (inset, depth), (W - inset, depth), (W, 0)], fill=shade, width=3)
        d.line([(0, H), (W // 2, int(H * 0.55)), (W, H)], fill=tuple(max(0, c - 10) for c in paper), width=2)
        return e
    s = W / 660
    box = int(34 * s)
    for i in range(6):
        x = int(24 * s) + i * int(box * 1.22)
        d.rectangle([x, int(22 * s), x + box, int(22 * s) + box], outline=red, width=2)
        d.text((x + box // 2, int(22 * s) + box // 2), POSTCODES[rng.randrange(len(POSTCODES))][i],
               font=font(int(26 * s), font_path), fill=(20, 20, 20), anchor="mm")
    stamp = int(86 * s)
    d.rectangle([W - int(24 * s) - stamp, int(20 * s), W - int(24 * s), int(20 * s) + int(stamp * 1.15)],
                outline=red, width=2)
    d.text((W - int(24 * s) - stamp // 2, int(20 * s) + int(stamp * 0.58)), "贴邮票处",
           font=font(int(14 * s), font_path), fill=red, anchor="mm")
    ink = rng.choice([(20, 20, 20), (20, 30, 110)])
    d.text((int(60 * s), int(105 * s)), rng.choice(ADDRESSES), font=font(int(26 * s), font_path), fill=ink)
    d.line([(int(50 * s), int(140 * s)), (W - int(50 * s), int(140 * s))], fill=red, width=1)
    d.text((W // 2, int(185 * s)), rng.choice(NAMES) + "  收", font=font(int(40 * s), font_path), fill=ink,
           anchor="mm")
    d.line([(int(50 * s), int(215 * s)), (W - int(50 * s), int(215 * s))], fill=red, width=1)
    d.text((W - int(30 * s), int(250 * s)), rng.choice(ADDRESSES) + " " + rng.choice(NAMES) + " 寄",
           font=font(int(18 * s), font_path), fill=ink, anchor="ra")
    d.text((W - int(30 * s), int(285 * s)), "邮政编码：" + rng.choice(POSTCODES),
           font=font(int(18 * s), font_path), fill=red, anchor="ra")
    return e


def blank_paper(rng, size=(660, 330)):
    """A blank sheet (no flap, no text): what an envelope's back must not be confused with."""
    paper = rng.choice([(246, 244, 236), (240, 232, 212), (250, 250, 250), (232, 222, 196)])
    return Image.new("RGB", size, paper)


def envelope_check(first, second, prefix=""):
    return [{"metric": prefix + "first_tag", "path": "FirstTags.0.Name", "equals": first},
            {"metric": prefix + "second_tag", "path": "SecondTags.0.Name", "equals": second}]


def no_vehicle_item(item_id, image, action="RecognizeCar"):
    return {"id": item_id, "action": action, "image": image,
            "checks": [{"metric": "error", "path": "$error", "equals": "FailedOperation.NoObjectDetected"}]}


def dev_additions(args, car):
    """Development-set items added after the first set: close-up rear views (the car
    15 %..120 % of the frame width, and the photo itself with a plate), plain
    letter envelopes (front, back) and blank paper, and more photos without a
    vehicle. Their own seed: the images above do not change."""
    rng = random.Random(20261128)
    items = []
    styles = ["blue", "yellow", "green"]
    for i, frac in enumerate([0.15, 0.35, 0.6, 0.8, 1.0, 1.2]):
        name = f"closeup_{int(frac * 100)}_{styles[i % 3]}.jpg"
        items.append(closeup_car_item(name, car, rng, frac, styles[i % 3], args.out, metric_prefix="closeup_"))
    for frac in (0.8, 1.1):  # the plain action finds them too
        items.append(closeup_car_item(f"closeup_{int(frac * 100)}_plain.jpg", car, rng, frac, "blue", args.out,
                                      action="RecognizeCar", metric_prefix="closeup_"))
    for style in ("blue", "green"):  # the car photo itself, a plate on it: the car overflows the frame
        img = car.copy()
        text = random_plate(rng, style)
        corners = paste_plate(img, render_plate(text, style), CAR_PLATE_CENTRE, 136, rng)
        rel = save(img, args.out, f"closeup_raw_{style}.jpg")
        box = [min(c[0] for c in corners), min(c[1] for c in corners),
               max(c[0] for c in corners), max(c[1] for c in corners)]
        items.append({"id": f"closeup_raw_{style}", "action": "RecognizeCarPro", "image": rel, "checks": [
            {"metric": "closeup_car_box", "path": "CarTags.0.CarLocation", "iou_at_least": 0.5,
             "box": clip_box(list(CAR_BOX), car.size)},
            {"metric": "closeup_plate", "path": "CarTags.0.PlateContent.Plate", "equals": text},
            {"metric": "closeup_plate_box", "path": "CarTags.0.PlateContent.PlateLocation",
             "iou_at_least": 0.3, "box": box}]})
    for n in ["horses.jpg", "kite.jpg", "scream.jpg"]:
        items.append(no_vehicle_item("darknet_" + n[:-4] + "_nocar", f"{DARKNET}/{n}"))
    for n in ["document_page_0.jpg", "envelope_other_front_1.jpg"]:
        items.append(no_vehicle_item(n[:-4] + "_nocar", "images/" + n, "RecognizeCarPro"))

    backgrounds = [Image.open(f"{DARKNET}/{n}").convert("RGB") for n in ["eagle.jpg", "kite.jpg", "horses.jpg"]]
    table = Image.new("RGB", (800, 600), (120, 90, 60))
    for i in range(8):
        front = i % 2 == 0
        bg = table if i < 2 else backgrounds[i % 3]
        img, _ = place_on_background(postal_envelope(rng, front), bg, rng)
        name = f"postal_{'front' if front else 'back'}_{i // 2}.jpg"
        rel = save(img, args.out, name)
        items.append({"id": name[:-4], "action": "DetectEnvelope", "image": rel,
                      "checks": envelope_check("文件封", "非顺丰文件封" + ("正面" if front else "反面"), "postal_")})
    for i in range(3):
        img, _ = place_on_background(blank_paper(rng), table if i == 0 else backgrounds[i], rng)
        rel = save(img, args.out, f"blank_paper_{i}.jpg")
        items.append({"id": f"blank_paper_{i}", "action": "DetectEnvelope", "image": rel,
                      "checks": envelope_check("非文件封", "非文件封", "postal_")})
    return items


OPENCV_DATA = "/usr/share/doc/opencv-doc/examples/data"
OPENCV_TEXT = "/usr/share/doc/opencv-doc/examples/text"
HELDOUT_PLATE_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
HELDOUT_TEXT_FONTS = ["/usr/share/fonts/truetype/arphic/ukai.ttc", "/usr/share/fonts/truetype/arphic/uming.ttc",
                      "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"]
HELDOUT_SIZES = [(1280, 720), (1024, 768), (1600, 900), (960, 720)]


def heldout_items(args, car):
    """The held-out set: nothing in src/vision was tuned on it. Another seed,
    other fonts (WenQuanYi Zen Hei plates, AR PL UKai/UMing and Zen Hei on
    envelopes), other backgrounds (OpenCV's sample photos instead of darknet's
    and the grey road), other frame sizes, plate positions, tilts (±8°), blur
    (Gaussian and motion), lighting (0.6–1.15), JPEG quality (35–90), car
    colour shades, and real photos as negatives (OpenCV's scene-text photos
    for envelopes, its other photos for vehicles)."""
    rng = random.Random(4242)
    out = args.out
    sub = "heldout"
    os.makedirs(os.path.join(out, "images", sub), exist_ok=True)
    bgs = [Image.open(f"{OPENCV_DATA}/{n}").convert("RGB") for n in
           ["building.jpg", "aero1.jpg", "home.jpg", "board.jpg", "leuvenA.jpg"]]
    items = []

    def shade(colour):  # another shade of the same colour name
        name, target, gain = next(c for c in CAR_COLOURS if c[0] == colour)
        if target is None or target == (255, 255, 255):
            return name, target, gain * rng.uniform(0.95, 1.05)
        t = tuple(int(np.clip(v + rng.uniform(-25, 25), 0, 255)) for v in target)
        return name, t, gain * rng.uniform(0.9, 1.1)

    def variation():
        return dict(blur=rng.uniform(0.3, 1.4), motion=rng.choice([0, 0, 3, 5]), gain=rng.uniform(0.6, 1.15),
                    quality=rng.randint(35, 90), angle=rng.uniform(-8, 8), size=rng.choice(HELDOUT_SIZES),
                    bg=rng.choice([None] + bgs))

    def car_item(name, frac, style, colour, action, prefix, full):
        v = variation()
        cname, target, gain_c = shade(colour)
        text = random_plate(rng, style)
        img = recolour(car, target, gain_c)
        width = int((136 if style != "green" else 148) * rng.uniform(0.85, 1.15))
        centre = (CAR_PLATE_CENTRE[0] + rng.randint(-30, 30), CAR_PLATE_CENTRE[1] + rng.randint(-10, 25))
        corners = paste_plate(img, render_plate(text, style, HELDOUT_PLATE_FONT), centre, width, rng, v["angle"])
        frame, to_frame = car_in_frame(img, frac, rng, v["size"], v["bg"])
        frame = degrade(frame, rng, blur=v["blur"], motion=v["motion"], gain=v["gain"], noise=rng.uniform(0, 4))
        corners = [to_frame(*c) for c in corners]
        car_box = clip_box(to_frame(*CAR_BOX[:2]) + to_frame(*CAR_BOX[2:]), v["size"])
        plate_box = [min(c[0] for c in corners), min(c[1] for c in corners),
                     max(c[0] for c in corners), max(c[1] for c in corners)]
        rel = save(frame, out, f"{sub}/{name}", v["quality"])
        _, _, pcolour, ptype = PLATE_STYLES[style]
        checks = [{"metric": prefix + "car_box", "path": "CarTags.0.CarLocation", "iou_at_least": 0.5, "box": car_box}]
        if full:
            checks += [{"metric": "car_type", "path": "CarTags.0.Type", "equals": "轿车"},
                       {"metric": "car_color", "path": "CarTags.0.Color", "equals": cname}]
        if action == "RecognizeCarPro":
            checks.append({"metric": prefix + "plate", "path": "CarTags.0.PlateContent.Plate", "equals": text})
            checks.append({"metric": prefix + "plate_box", "path": "CarTags.0.PlateContent.PlateLocation",
                           "iou_at_least": 0.3, "box": plate_box})
            if full:
                checks += [{"metric": "plate_color", "path": "CarTags.0.PlateContent.Color", "equals": pcolour},
                           {"metric": "plate_type", "path": "CarTags.0.PlateContent.Type", "equals": ptype}]
        items.append({"id": f"heldout_{name[:-4]}", "action": action, "image": rel, "checks": checks,
                      "variation": {k: (round(x, 2) if isinstance(x, float) else x) for k, x in v.items() if k != "bg"}})

    colours = [c[0] for c in CAR_COLOURS]
    styles = ["blue", "yellow", "green"]
    # Vehicles at traffic-photo sizes (30-55 % of the frame width).
    for i in range(9):
        action = "RecognizeCar" if i % 3 == 2 else "RecognizeCarPro"
        car_item(f"car_{i}.jpg", rng.uniform(0.3, 0.55), styles[i % 3], colours[i % len(colours)], action, "", True)
    # Close-ups, 10 % .. 120 % of the frame width.
    for i, frac in enumerate([0.1, 0.25, 0.5, 0.7, 0.9, 1.0, 1.1, 1.2]):
        car_item(f"closeup_{int(frac * 100)}.jpg", frac, styles[(i + 1) % 3], rng.choice(colours),
                 "RecognizeCarPro", "closeup_", False)
    for frac in (0.75, 1.05):
        car_item(f"closeup_{int(frac * 100)}_plain.jpg", frac, "blue", "银灰", "RecognizeCar", "closeup_", False)
    # Photos without a vehicle (OpenCV samples).
    for n in ["fruits.jpg", "baboon.jpg", "messi5.jpg", "starry_night.jpg", "butterfly.jpg", "HappyFish.jpg"]:
        items.append(no_vehicle_item(f"heldout_{n[:-4]}_nocar", f"{OPENCV_DATA}/{n}",
                                     "RecognizeCarPro" if n < "f" else "RecognizeCar"))

    # Envelopes: couriers (SF / other x front / back), letter envelopes, blank paper, text that is no envelope.
    def env_item(name, fg, first, second, prefix):
        bg = rng.choice(bgs + [Image.new("RGB", (800, 600), rng.choice([(60, 60, 70), (150, 120, 80), (90, 110, 90)]))])
        size = rng.choice([(800, 600), (1024, 768), (900, 900)])
        img, _ = place_on_background(fg, bg, rng, size, angle=rng.uniform(-12, 12), scale=rng.uniform(0.6, 0.95))
        img = degrade(img, rng, blur=rng.uniform(0, 1.0), gain=rng.uniform(0.7, 1.1), noise=rng.uniform(0, 3))
        rel = save(img, out, f"{sub}/{name}", rng.randint(40, 90))
        items.append({"id": f"heldout_{name[:-4]}", "action": "DetectEnvelope", "image": rel,
                      "checks": envelope_check(first, second, prefix)})

    k = 0
    for sf in (True, False):
        for front in (True, False):
            for rep in range(2):
                f = HELDOUT_TEXT_FONTS[k % 3]
                k += 1
                second = ("顺丰" if sf else "非顺丰") + "文件封" + ("正面" if front else "反面")
                env_item(f"envelope_{'sf' if sf else 'other'}_{'front' if front else 'back'}_{rep}.jpg",
                         envelope(rng, sf, front, font_path=f), "文件封", second, "")
    for i in range(8):
        front = i % 2 == 0
        size = rng.choice([(660, 330), (700, 350), (640, 320)])
        env_item(f"postal_{'front' if front else 'back'}_{i // 2}.jpg",
                 postal_envelope(rng, front, HELDOUT_TEXT_FONTS[i % 3], size), "文件封",
                 "非顺丰文件封" + ("正面" if front else "反面"), "postal_")
    for i in range(3):
        env_item(f"blank_paper_{i}.jpg", blank_paper(rng), "非文件封", "非文件封", "postal_")
    for i in range(2):
        env_item(f"document_page_{i}.jpg", document_page(rng, font_path=HELDOUT_TEXT_FONTS[i]), "非文件封", "非文件封", "")
    for n in ["scenetext01.jpg", "scenetext03.jpg", "scenetext05.jpg"]:
        items.append({"id": f"heldout_{n[:-4]}_noenvelope", "action": "DetectEnvelope", "image": f"{OPENCV_TEXT}/{n}",
                      "checks": envelope_check("非文件封", "非文件封")})
    return items


def keystone(img, ratio, direction, fill=(110, 110, 110)):
    """The photo seen obliquely: its far side (`direction` "left"/"right"/"top"/
    "bottom") shrunk to `ratio` of the near side and drawn nearer the middle,
    as a camera not square to the car sees it (a homography of the whole
    frame). Returns the image and f(x, y) mapping its pixels into the result."""
    W, H = img.size
    s = (1 + ratio) / 2  # the far side also comes closer
    src = [(0, 0), (W, 0), (W, H), (0, H)]
    if direction == "right":
        dst = [(0, 0), (W * s, H * (1 - ratio) / 2), (W * s, H * (1 + ratio) / 2), (0, H)]
    elif direction == "left":
        dst = [(W * (1 - s), H * (1 - ratio) / 2), (W, 0), (W, H), (W * (1 - s), H * (1 + ratio) / 2)]
    elif direction == "top":
        dst = [(W * (1 - ratio) / 2, H * (1 - s)), (W * (1 + ratio) / 2, H * (1 - s)), (W, H), (0, H)]
    else:
        dst = [(0, 0), (W, 0), (W * (1 + ratio) / 2, H * s), (W * (1 - ratio) / 2, H * s)]
    # Centre the warped frame again.
    dx = (W - max(p[0] for p in dst) - min(p[0] for p in dst)) / 2
    dy = (H - max(p[1] for p in dst) - min(p[1] for p in dst)) / 2
    dst = [(x + dx, y + dy) for x, y in dst]

    def homography(a, b):  # 3x3 H with H a = b
        rows, rhs = [], []
        for (x, y), (u, v) in zip(a, b):
            rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
            rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
            rhs += [u, v]
        h = np.linalg.solve(np.array(rows, float), np.array(rhs, float))
        return np.append(h, 1).reshape(3, 3)

    back = homography(dst, src)  # PIL wants output -> input
    out = img.transform(img.size, Image.PERSPECTIVE, tuple((back / back[2, 2]).flatten()[:8]),
                        resample=Image.BICUBIC, fillcolor=fill)
    fwd = homography(src, dst)

    def to_out(x, y):
        u, v, w = fwd @ np.array([x, y, 1.0])
        return [round(u / w), round(v / w)]
    return out, to_out


# Plate conditions of the held-out stress set (heldout_plates.json): each
# renders a car whose plate is hard in one way. Metric plate_<name>.
PLATE_CONDITIONS = ["angle", "perspective", "motion", "lowlight", "jpeg30", "small"]


def stress_car(rng, car, cond, style, text, font_path, bgs, size):
    """One car photo under `cond` (PLATE_CONDITIONS); returns the frame, the
    plate corners and the car box in it, and the JPEG quality to save at."""
    colour = rng.choice(CAR_COLOURS)
    img = recolour(car, colour[1], colour[2])
    base = 136 if style != "green" else 148
    width = rng.randint(62, 76) if cond == "small" else int(base * rng.uniform(0.9, 1.1))
    angle = rng.choice([-1, 1]) * rng.uniform(12, 20) if cond == "angle" else rng.uniform(-3, 3)
    centre = (CAR_PLATE_CENTRE[0] + rng.randint(-25, 25), CAR_PLATE_CENTRE[1] + rng.randint(-8, 20))
    if cond == "small":  # the plate 62-76 px wide in the frame: the car ~45 % of a 1280 frame
        frac = rng.uniform(0.42, 0.5)
        width = int(width * CAR_BOX[2] / (frac * size[0]))
    else:
        frac = rng.uniform(0.4, 0.65)
    corners = paste_plate(img, render_plate(text, style, font_path), centre, width, rng, angle)
    frame, to_frame = car_in_frame(img, frac, rng, size, rng.choice([None] + bgs))
    corners = [to_frame(*c) for c in corners]
    box = to_frame(*CAR_BOX[:2]) + to_frame(*CAR_BOX[2:])
    box = [[box[0], box[1]], [box[2], box[1]], [box[2], box[3]], [box[0], box[3]]]
    if cond == "perspective":
        frame, warp = keystone(frame, rng.uniform(0.55, 0.75), rng.choice(["left", "right", "top", "bottom"]))
        corners = [warp(*c) for c in corners]
        box = [warp(*c) for c in box]
    blur, motion, gain, noise = rng.uniform(0.3, 0.9), 0, rng.uniform(0.8, 1.1), rng.uniform(0, 2)
    if cond == "motion":
        motion = rng.randint(9, 15)
    if cond == "lowlight":
        gain, noise = rng.uniform(0.12, 0.25), rng.uniform(2, 4)
    frame = degrade(frame, rng, blur=blur, motion=motion, gain=gain, noise=noise)
    quality = 30 if cond == "jpeg30" else rng.randint(60, 90)
    car_box = clip_box([min(c[0] for c in box), min(c[1] for c in box), max(c[0] for c in box),
                        max(c[1] for c in box)], size)
    return frame, corners, car_box, quality


def heldout_plate_items(args, car):
    """Held-out plate stress set: 5 cars per condition of PLATE_CONDITIONS
    (plate tilted 12-20°, the photo seen obliquely (far side 55-75 %),
    motion blur 9-15 px, light x0.12-0.25 with sensor noise, JPEG quality
    30, plates 62-76 px wide), with the held-out plate font, OpenCV
    backgrounds and its own seed. Nothing was tuned on it."""
    rng = random.Random(7373)
    sub = "heldout_plates"
    os.makedirs(os.path.join(args.out, "images", sub), exist_ok=True)
    bgs = [Image.open(f"{OPENCV_DATA}/{n}").convert("RGB") for n in ["building.jpg", "aero3.jpg", "left01.jpg"]]
    items = []
    for cond in PLATE_CONDITIONS:
        for i in range(5):
            style = ["blue", "yellow", "green"][i % 3]
            text = random_plate(rng, style)
            size = rng.choice(HELDOUT_SIZES)
            frame, corners, car_box, quality = stress_car(rng, car, cond, style, text, HELDOUT_PLATE_FONT, bgs, size)
            rel = save(frame, args.out, f"{sub}/{cond}_{i}.jpg", quality)
            plate_box = [min(c[0] for c in corners), min(c[1] for c in corners),
                         max(c[0] for c in corners), max(c[1] for c in corners)]
            items.append({"id": f"heldout_plate_{cond}_{i}", "action": "RecognizeCarPro", "image": rel,
                          "variation": {"condition": cond, "plate_px": plate_box[2] - plate_box[0],
                                        "quality": quality},
                          "checks": [{"metric": f"plate_{cond}", "path": "CarTags.0.PlateContent.Plate",
                                      "equals": text},
                                     {"metric": f"plate_{cond}_box", "path": "CarTags.0.PlateContent.PlateLocation",
                                      "iou_at_least": 0.3, "box": plate_box}]})
    return items


def heldout_colour_items(args, car):
    """Held-out vehicle colour: 3 cars per colour name, other shades
    (±35 per channel), lighting x0.7-1.2, OpenCV backgrounds, frame sizes
    and JPEG qualities, own seed; RecognizeCar, metric `colour`. The colour
    vote was tuned on the development cars only."""
    rng = random.Random(6161)
    sub = "heldout_colour"
    os.makedirs(os.path.join(args.out, "images", sub), exist_ok=True)
    bgs = [Image.open(f"{OPENCV_DATA}/{n}").convert("RGB") for n in ["home.jpg", "leuvenB.jpg", "aero1.jpg"]]
    items = []
    for name, target, gain in CAR_COLOURS:
        for i in range(3):
            if target is None or target == (255, 255, 255):
                t, g = target, gain * rng.uniform(0.93, 1.07)
            else:
                t = tuple(int(np.clip(v + rng.uniform(-35, 35), 0, 255)) for v in target)
                g = gain * rng.uniform(0.85, 1.15)
            img = recolour(car, t, g)
            size = rng.choice(HELDOUT_SIZES)
            frame, to_frame = car_in_frame(img, rng.uniform(0.3, 0.7), rng, size, rng.choice([None] + bgs))
            light = rng.uniform(0.7, 1.2)
            frame = degrade(frame, rng, blur=rng.uniform(0.3, 1.2), gain=light, noise=rng.uniform(0, 3))
            rel = save(frame, args.out, f"{sub}/{name}_{i}.jpg", rng.randint(40, 90))
            car_box = clip_box(to_frame(*CAR_BOX[:2]) + to_frame(*CAR_BOX[2:]), size)
            items.append({"id": f"heldout_colour_{i}_{name}", "action": "RecognizeCar", "image": rel,
                          "variation": {"light": round(light, 2), "target": t},
                          "checks": [{"metric": "colour", "path": "CarTags.0.Color", "equals": name},
                                     {"metric": "colour_car_box", "path": "CarTags.0.CarLocation",
                                      "iou_at_least": 0.5, "box": car_box}]})
    return items


BACKGROUND_KINDS = ["dark", "mid", "bright", "busy"]


def heldout_back_items(args):
    """Held-out envelope backs against blank sheets, per background kind
    (dark plain table, mid grey, bright plain table, a busy OpenCV photo):
    3 letter-envelope backs and 3 blank sheets on each, other seed and fonts.
    Metric back_<kind>, labels 非顺丰文件封反面 / 非文件封 (SecondTags)."""
    rng = random.Random(8282)
    sub = "heldout_backs"
    os.makedirs(os.path.join(args.out, "images", sub), exist_ok=True)
    busy = [Image.open(f"{OPENCV_DATA}/{n}").convert("RGB") for n in ["fruits.jpg", "baboon.jpg", "board.jpg"]]
    items = []
    for kind in BACKGROUND_KINDS:
        for i in range(6):
            back = i % 2 == 0
            size = rng.choice([(800, 600), (1024, 768)])
            if kind == "busy":
                bg = busy[i % 3]
            else:
                level = {"dark": rng.randint(40, 90), "mid": rng.randint(110, 150), "bright": rng.randint(195, 225)}[kind]
                bg = Image.new("RGB", size, tuple(int(np.clip(level + rng.randint(-15, 15), 0, 255)) for _ in range(3)))
            fg = postal_envelope(rng, False, size=rng.choice([(660, 330), (700, 350)])) if back else blank_paper(rng)
            img, _ = place_on_background(fg, bg, rng, size, angle=rng.uniform(-10, 10), scale=rng.uniform(0.6, 0.9))
            img = degrade(img, rng, blur=rng.uniform(0, 0.8), gain=rng.uniform(0.8, 1.05), noise=rng.uniform(0, 3))
            name = f"{kind}_{'back' if back else 'blank'}_{i // 2}.jpg"
            rel = save(img, args.out, f"{sub}/{name}", rng.randint(50, 90))
            want = "非顺丰文件封反面" if back else "非文件封"
            items.append({"id": f"heldout_{sub}_{name[:-4]}", "action": "DetectEnvelope", "image": rel,
                          "variation": {"background": kind},
                          "checks": [{"metric": f"back_{kind}", "path": "SecondTags.0.Name", "equals": want}]})
    return items


def write_manifest(args, fname, items, description):
    with open(os.path.join(args.out, fname), "w", encoding="utf-8") as f:
        json.dump({"version": 1, "set": "heldout", "description": description, "items": items}, f,
                  ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {len(items)} held-out items to {os.path.join(args.out, fname)}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "tests", "eval"))
    ap.add_argument("--car", default=CAR_DEFAULT)
    ap.add_argument("--bus", default=BUS_DEFAULT)
    ap.add_argument("--set", choices=["dev", "heldout", "heldout_plates", "heldout_colour", "heldout_backs"], default="dev",
                    help="dev: ocr_car_envelope.json (tuned on); heldout*: heldout*.json (never tuned on)")
    args = ap.parse_args()
    car_photo = Image.open(args.car).convert("RGB")
    if args.set == "heldout_plates":
        write_manifest(args, "heldout_plates.json", heldout_plate_items(args, car_photo),
                       "Held-out plate stress set: plates tilted 12-20 degrees, photos seen obliquely, motion "
                       "blur, low light, JPEG quality 30 and plates 62-76 px wide (metric plate_<condition>); "
                       "nothing was tuned on it. Made by scripts/make_eval_images.py --set heldout_plates.")
        return
    if args.set == "heldout_backs":
        write_manifest(args, "heldout_backs.json", heldout_back_items(args),
                       "Held-out envelope backs (flap, no text) against blank sheets on dark, mid-grey, bright "
                       "and busy backgrounds (metric back_<background>); nothing was tuned on it. Made by "
                       "scripts/make_eval_images.py --set heldout_backs.")
        return
    if args.set == "heldout_colour":
        write_manifest(args, "heldout_colour.json", heldout_colour_items(args, car_photo),
                       "Held-out vehicle colour: 3 cars per colour name in other shades, lighting, backgrounds, "
                       "frame sizes and JPEG qualities (metric colour); nothing was tuned on it. Made by "
                       "scripts/make_eval_images.py --set heldout_colour.")
        return
    if args.set == "heldout":
        os.makedirs(os.path.join(args.out, "images"), exist_ok=True)
        items = heldout_items(args, Image.open(args.car).convert("RGB"))
        manifest = {"version": 1, "set": "heldout",
                    "description": "Held-out set: generated like the development set but with another seed, "
                    "fonts, backgrounds, frame sizes, plate positions, tilts, blur, lighting, JPEG quality and "
                    "colour shades, and real OpenCV sample photos as negatives; nothing was tuned on it. Made by "
                    "scripts/make_eval_images.py --set heldout.",
                    "items": items}
        with open(os.path.join(args.out, "heldout.json"), "w", encoding="utf-8") as f:
            json.dump(manifest, f, ensure_ascii=False, indent=1)
            f.write("\n")
        print(f"wrote {len(items)} held-out items to {args.out}")
        return
    os.makedirs(os.path.join(args.out, "images"), exist_ok=True)
    rng = random.Random(20241126)
    car = Image.open(args.car).convert("RGB")
    items = []

    # Plates on the car, each colour of car, each plate style.
    for ci, (colour, target, gain) in enumerate(CAR_COLOURS):
        for si, style in enumerate(["blue", "yellow", "green"]):
            if (ci + si) % 2 and ci != 0:
                continue  # keep the set small: all styles on the silver car, alternating elsewhere
            img = recolour(car, target, gain)
            text = random_plate(rng, style)
            width = 136 if style != "green" else 148
            corners = paste_plate(img, render_plate(text, style), CAR_PLATE_CENTRE, width, rng)
            img = img.filter(ImageFilter.GaussianBlur(0.6))
            img, to_frame = on_road(img, rng)
            corners = [to_frame(*c) for c in corners]
            car_box = to_frame(*CAR_BOX[:2]) + to_frame(*CAR_BOX[2:])
            name = f"car_{ci}_{style}.jpg"
            rel = save(img, args.out, name)
            _, _, pcolour, ptype = PLATE_STYLES[style]
            items.append({
                "id": name[:-4], "action": "RecognizeCarPro", "image": rel,
                "checks": [
                    {"metric": "car_box", "path": "CarTags.0.CarLocation", "iou_at_least": 0.5,
                     "box": car_box},
                    {"metric": "car_type", "path": "CarTags.0.Type", "equals": "轿车"},
                    {"metric": "car_color", "path": "CarTags.0.Color", "equals": colour},
                    {"metric": "plate", "path": "CarTags.0.PlateContent.Plate", "equals": text},
                    {"metric": "plate_color", "path": "CarTags.0.PlateContent.Color", "equals": pcolour},
                    {"metric": "plate_type", "path": "CarTags.0.PlateContent.Type", "equals": ptype},
                    {"metric": "plate_box", "path": "CarTags.0.PlateContent.PlateLocation",
                     "iou_at_least": 0.3, "box": [min(c[0] for c in corners), min(c[1] for c in corners),
                                                  max(c[0] for c in corners), max(c[1] for c in corners)]},
                ]})
            if style == "blue":  # the same image through the plain action
                items.append({"id": name[:-4] + "_plain", "action": "RecognizeCar", "image": rel,
                              "checks": [
                                  {"metric": "car_box", "path": "CarTags.0.CarLocation",
                                   "iou_at_least": 0.5, "box": car_box},
                                  {"metric": "car_type", "path": "CarTags.0.Type", "equals": "轿车"},
                                  {"metric": "car_color", "path": "CarTags.0.Color", "equals": colour},
                              ]})

    # The white pickup in dog.jpg (no readable plate), and photos with no vehicle.
    items.append({"id": "darknet_dog_truck", "action": "RecognizeCarPro", "image": f"{DARKNET}/dog.jpg",
                  "checks": [{"metric": "car_color", "path": "CarTags.0.Color", "equals": "白"},
                             {"metric": "car_box", "path": "CarTags.0.CarLocation", "iou_at_least": 0.5,
                              "box": [465, 75, 695, 170]},
                             {"metric": "plate", "path": "CarTags.0.PlateContent.Plate", "equals": ""}]})
    for n in ["eagle.jpg", "giraffe.jpg", "person.jpg"]:
        items.append({"id": "darknet_" + n[:-4] + "_nocar", "action": "RecognizeCar",
                      "image": f"{DARKNET}/{n}",
                      "checks": [{"metric": "error", "path": "$error", "equals": "FailedOperation.NoObjectDetected"}]})

    # Envelopes: SF / other x front / back, on darknet backgrounds; negatives.
    backgrounds = [Image.open(f"{DARKNET}/{n}").convert("RGB") for n in ["eagle.jpg", "kite.jpg", "horses.jpg"]]
    table = Image.new("RGB", (800, 600), (120, 90, 60))
    k = 0
    for sf in (True, False):
        for front in (True, False):
            for rep in range(3):
                e = envelope(rng, sf, front)
                bg = table if rep == 0 else backgrounds[(k + rep) % len(backgrounds)]
                img, box = place_on_background(e, bg, rng)
                name = f"envelope_{'sf' if sf else 'other'}_{'front' if front else 'back'}_{rep}.jpg"
                rel = save(img, args.out, name)
                second = ("顺丰" if sf else "非顺丰") + "文件封" + ("正面" if front else "反面")
                items.append({"id": name[:-4], "action": "DetectEnvelope", "image": rel,
                              "checks": [{"metric": "first_tag", "path": "FirstTags.0.Name", "equals": "文件封"},
                                         {"metric": "second_tag", "path": "SecondTags.0.Name", "equals": second}]})
                k += 1
    for i in range(3):
        img, _ = place_on_background(document_page(rng), table if i == 0 else backgrounds[i], rng)
        rel = save(img, args.out, f"document_page_{i}.jpg")
        items.append({"id": f"document_page_{i}", "action": "DetectEnvelope", "image": rel,
                      "checks": [{"metric": "first_tag", "path": "FirstTags.0.Name", "equals": "非文件封"},
                                 {"metric": "second_tag", "path": "SecondTags.0.Name", "equals": "非文件封"}]})
    for n in ["dog.jpg", "eagle.jpg", "person.jpg"]:
        items.append({"id": "darknet_" + n[:-4] + "_noenvelope", "action": "DetectEnvelope",
                      "image": f"{DARKNET}/{n}",
                      "checks": [{"metric": "first_tag", "path": "FirstTags.0.Name", "equals": "非文件封"},
                                 {"metric": "second_tag", "path": "SecondTags.0.Name", "equals": "非文件封"}]})

    items += two_row_items(args, car)
    items += dev_additions(args, car)

    manifest = {"version": 1, "set": "dev",
                "description": "Development set (the methods are tuned on it): synthetic plates on a real "
                "car (OpenCV sample), rendered envelopes, and Debian darknet photos. Made by "
                "scripts/make_eval_images.py.",
                "items": items}
    with open(os.path.join(args.out, "ocr_car_envelope.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {len(items)} items to {args.out}")


if __name__ == "__main__":
    main()
