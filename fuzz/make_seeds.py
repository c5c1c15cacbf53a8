#!/usr/bin/python3
"""Regenerates the seeds under fuzz/corpus/ that are not plain text:
tiny real images (from Debian's darknet photos, shrunk with Pillow) and
tc3_verify inputs laid out the way FuzzedDataProvider reads them. The
text seeds (headers, money, times, catalogs) are committed as written.
Run: /usr/bin/python3 fuzz/make_seeds.py  (python3-pil)"""
import base64, hashlib, hmac, io, json, os, struct
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
PHOTOS = "/usr/share/darknet/data"


def write(harness, name, data):
    os.makedirs(os.path.join(CORPUS, harness), exist_ok=True)
    with open(os.path.join(CORPUS, harness, name), "wb") as f:
        f.write(data)


def tiny(photo, size, fmt, **kw):
    img = Image.open(os.path.join(PHOTOS, photo)).convert("RGB").resize(size)
    out = io.BytesIO()
    img.save(out, fmt, **kw)
    return out.getvalue()


def images():
    # First byte: the limits (0 any format, 1 JPG only, 2 no BMP); see image_decode_fuzz.cc.
    dog_jpg = tiny("dog.jpg", (24, 18), "JPEG", quality=70)
    write("image_decode", "dog.jpg", b"\0" + dog_jpg)
    write("image_decode", "dog_jpg_only.jpg", b"\1" + dog_jpg)
    write("image_decode", "eagle_progressive.jpg",
          b"\0" + tiny("eagle.jpg", (20, 16), "JPEG", quality=60, progressive=True))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° CW when shown
    write("image_decode", "kite_exif_rotated.jpg",
          b"\0" + tiny("kite.jpg", (16, 12), "JPEG", quality=60, exif=exif.tobytes()))
    write("image_decode", "horses.png", b"\0" + tiny("horses.jpg", (16, 12), "PNG"))
    write("image_decode", "person_no_bmp.png", b"\2" + tiny("person.jpg", (8, 16), "PNG"))
    write("image_decode", "giraffe.bmp", b"\0" + tiny("giraffe.jpg", (12, 10), "BMP"))
    img = Image.open(os.path.join(PHOTOS, "scream.jpg")).convert("P").resize((12, 12))
    out = io.BytesIO(); img.save(out, "BMP"); write("image_decode", "scream_8bit.bmp", b"\0" + out.getvalue())
    # Request bodies: first byte picks the action (protocol::AllActions order).
    b64 = base64.b64encode(dog_jpg).decode()
    for i, extra in enumerate([{}, {"NeedLemma": 1}, {"EnableDetect": False, "EnablePreferred": True}]):
        action = [5, 3, 6][i]  # DetectPet, DetectProductBeta, DetectChefDress
        body = json.dumps({"ImageBase64": b64, **extra}).encode()
        write("request_json", f"image_{i}.json", bytes([action]) + body)
    write("request_json", "url.json", b"\0" + b'{"ImageUrl":"https://example.com/car.jpg"}')


def fdp_string(s):
    """ConsumeRandomLengthString: backslashes doubled, '\\' + other byte ends it."""
    return s.replace(b"\\", b"\\\\") + b"\\ "


KEY = b"FuzzSecretKeyFuzzSecretKey012345"  # tc3_verify_fuzz.cc
NOW = 1795694732


def tc3_sign(headers, body, service, ts):
    date = "2026-11-26"
    names = ["content-type", "host"]
    canon = "".join(f"{n}:{headers[n].strip().lower()}\n" for n in names)
    creq = f"POST\n/\n\n{canon}\n{';'.join(names)}\n{hashlib.sha256(body).hexdigest()}"
    sts = f"TC3-HMAC-SHA256\n{ts}\n{date}/{service}/tc3_request\n{hashlib.sha256(creq.encode()).hexdigest()}"
    k = hmac.new(b"TC3" + KEY, date.encode(), hashlib.sha256).digest()
    k = hmac.new(k, service.encode(), hashlib.sha256).digest()
    k = hmac.new(k, b"tc3_request", hashlib.sha256).digest()
    sig = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
    return (f"TC3-HMAC-SHA256 Credential=AKIDfuzz/{date}/{service}/tc3_request, "
            f"SignedHeaders=content-type;host, Signature={sig}")


def verify_seeds():
    body = b'{"ImageUrl":"https://example.com/car.jpg"}'
    # Arbitrary mode (last byte even): a request the fixed key really signed.
    # Bytes from the end: mode, POST?, header count, then per header: named?, which.
    headers = {"content-type": "application/json", "host": "127.0.0.1:8080",
               "x-tc-timestamp": str(NOW)}
    headers["authorization"] = tc3_sign({**headers, "host": "127.0.0.1"}, body, "tiia", NOW)
    order = ["authorization", "x-tc-timestamp", "host", "content-type"]
    names = ["authorization", "x-tc-timestamp", "host", "content-type", "x-tc-action", "x-tc-version"]
    front = fdp_string(b"")  # query
    tail = []  # consumed from the end, so written reversed below
    tail += [0, 1, len(order)]
    for n in order:
        front += fdp_string(headers[n].encode())
        tail += [1, names.index(n)]
    write("tc3_verify", "node_sdk_signed", front + body + bytes(reversed(tail)))
    # Signed-then-tampered mode (last byte odd), one seed per tampering.
    for tamper in range(11):
        front = fdp_string(b"127.0.0.1:8080") + fdp_string(b"application/json")
        tail = [1] + [1, 44] + [0] + [tamper] + list(struct.pack(">Q", 12345))
        write("tc3_verify", f"signed_tamper_{tamper}", front + body + bytes(reversed(tail)))


def sign_v1_seeds():
    # Wire mode: byte 0 even, byte 1 = GET bit | host index << 1 | action index << 3
    # (sign_v1_fuzz.cc), then the form text: the SDK 3.0.270 vectors of sign_v1_test.cc.
    kats = {
        "sdk_sha256_post": (0 | 0 << 1 | 3 << 3, "ImageBase64=%2F9j%2F4AAQ%2BSkZJRg%3D%3D&NeedLemma=1&Action=DetectProductBeta&RequestClient=SDK_NODEJS_3.0.270&Nonce=32768&Timestamp=1700000000&Version=2019-05-29&Language=en-US&SecretId=AKIDkatExample&Region=ap-guangzhou&SignatureMethod=HmacSHA256&Signature=NFr2AcTSk0sRWXsAzS9djGJVczsWkO4D%2BB7nzPL%2Bxm0%3D"),
        "sdk_sha1_get": (1 | 1 << 1 | 6 << 3, "ImageUrl=https%3A%2F%2Fexample.com%2Fa%20b.jpg%3Fx%3D1%26y%3D%E4%B8%AD&EnableDetect=false&EnablePreferred=true&Action=DetectChefDress&RequestClient=SDK_NODEJS_3.0.270&Nonce=32768&Timestamp=1700000000&Version=2019-05-29&Language=en-US&SecretId=AKIDkatExample&Region=ap-guangzhou&SignatureMethod=HmacSHA1&Signature=%2BHE%2FS7B2UgtJGdVejOcL6rtTSeY%3D"),
        "sdk_sha1_post": (0 | 0 << 1 | 5 << 3, "ImageBase64=aGVsbG8gd29ybGQ%3D&Action=DetectPet&RequestClient=SDK_NODEJS_3.0.270&Nonce=32768&Timestamp=1700000000&Version=2019-05-29&Language=en-US&SecretId=AKIDkatExample&Region=ap-guangzhou&SignatureMethod=HmacSHA1&Signature=gsZHLFIqls6NMLO3o4JYfMPjW0c%3D"),
        "implied_sha1_get": (1 | 0 << 1 | 5 << 3, "Action=DetectPet&Version=2019-05-29&Nonce=7&Timestamp=1700000000&SecretId=AKIDkatExample&ImageUrl=http%3A%2F%2Fx%2Fy.jpg&Signature=%2B9Ag0jrIMSqykYPa00ezZZiourk%3D"),
    }
    for name, (selector, wire) in kats.items():
        write("sign_v1", name, bytes([0, selector]) + wire.encode())
    # Signed mode: byte 0 odd, then FuzzedDataProvider bytes (strings from the
    # front, choices from the end): host, two extra parameters, the image.
    front = fdp_string(b"127.0.0.1:8080") + fdp_string(b"EnableDetect") + fdp_string(b"false") \
        + fdp_string(b"Language") + fdp_string(b"zh-CN") + b"/9j/4AAQSkZJRg=="
    for tamper in range(10):
        # GET, HmacSHA1, method implied, tamper, Timestamp (2 bytes), Nonce (4), 2 extras.
        tail = [1, 1, 0, tamper, 44, 0, 0, 0x80, 0, 1, 2]  # consumed from the end
        write("sign_v1", f"signed_tamper_{tamper}", b"\1" + front + bytes(reversed(tail)))


if __name__ == "__main__":
    images()
    verify_seeds()
    sign_v1_seeds()
