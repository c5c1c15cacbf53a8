#include "vision/runtime/jpeg_decode.h"

// jpeglib.h needs size_t and FILE declared before it.
#include <csetjmp>
#include <cstddef>
#include <cstdio>
#include <opencv2/core.hpp>
#include <string>

#include <jerror.h>
#include <jpeglib.h>
#include <libexif/exif-data.h>

#include "common/error_codes.h"

namespace kanjian::vision {
namespace {

struct ErrorManager {
  jpeg_error_mgr pub;  // first: libjpeg sees an ErrorManager* as jpeg_error_mgr*
  jmp_buf jump;
  bool data_ended_early = false;
  char message[JMSG_LENGTH_MAX] = {};
};

[[noreturn]] void OnFatalError(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

// libjpeg reports recoverable damage as warnings (level -1) and goes on,
// filling what is missing with grey. JWRN_JPEG_EOF: the data ran out;
// JWRN_HIT_MARKER: a marker (e.g. an appended FF D9) came where more scan
// data was needed.
void OnMessage(j_common_ptr cinfo, int level) {
  if (level >= 0) return;  // trace messages
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  const int code = cinfo->err->msg_code;
  if (code == JWRN_JPEG_EOF || code == JWRN_HIT_MARKER) err->data_ended_early = true;
  cinfo->err->num_warnings++;
}

// The EXIF orientation (1–8) from the saved APP1 segments; 1 when absent.
int ExifOrientation(const jpeg_decompress_struct& cinfo) {
  for (jpeg_saved_marker_ptr m = cinfo.marker_list; m; m = m->next) {
    if (m->marker != JPEG_APP0 + 1 || m->data_length < 6) continue;
    ExifData* exif = exif_data_new_from_data(m->data, m->data_length);
    if (!exif) continue;
    int orientation = 1;
    if (ExifEntry* e = exif_data_get_entry(exif, EXIF_TAG_ORIENTATION);
        e && e->format == EXIF_FORMAT_SHORT && e->components == 1) {
      orientation = exif_get_short(e->data, exif_data_get_byte_order(exif));
    }
    exif_data_unref(exif);
    if (orientation >= 1 && orientation <= 8) return orientation;
  }
  return 1;
}

// The same transforms cv::imdecode applies (EXIF 2.3 orientation values).
void ApplyOrientation(int orientation, cv::Mat& img) {
  switch (orientation) {
    case 2:
      cv::flip(img, img, 1);
      break;
    case 3:
      cv::flip(img, img, -1);
      break;
    case 4:
      cv::flip(img, img, 0);
      break;
    case 5:
      cv::transpose(img, img);
      break;
    case 6:
      cv::transpose(img, img);
      cv::flip(img, img, 1);
      break;
    case 7:
      cv::transpose(img, img);
      cv::flip(img, img, -1);
      break;
    case 8:
      cv::transpose(img, img);
      cv::flip(img, img, 0);
      break;
    default:
      break;
  }
}

// Adobe-inverted CMYK (what libjpeg hands out for CMYK/YCCK files) → BGR,
// with cv::imdecode's formula.
cv::Mat CmykToBgr(const cv::Mat& cmyk) {
  cv::Mat bgr(cmyk.rows, cmyk.cols, CV_8UC3);
  for (int y = 0; y < cmyk.rows; ++y) {
    const uchar* in = cmyk.ptr<uchar>(y);
    uchar* out = bgr.ptr<uchar>(y);
    for (int x = 0; x < cmyk.cols; ++x, in += 4, out += 3) {
      const int k = in[3];
      out[2] = uchar(k - ((255 - in[0]) * k >> 8));
      out[1] = uchar(k - ((255 - in[1]) * k >> 8));
      out[0] = uchar(k - ((255 - in[2]) * k >> 8));
    }
  }
  return bgr;
}

struct Decoded {
  bool ok = false;
  bool cmyk = false;
  int orientation = 1;
};

// Every libjpeg call, under one setjmp. REQUIRES: cinfo created with `err`.
// No C++ object is constructed between the setjmp and a longjmp out of
// libjpeg (`out` lives in the caller), so none is skipped.
Decoded Run(jpeg_decompress_struct* cinfo, ErrorManager* err, std::string_view bytes,
            cv::Mat* out) {
  // Locals changed after setjmp are indeterminate after a longjmp: return a
  // fresh value instead of `d`.
  if (setjmp(err->jump)) return Decoded{};
  Decoded d;
  jpeg_mem_src(cinfo, reinterpret_cast<const unsigned char*>(bytes.data()),
               static_cast<unsigned long>(bytes.size()));
  jpeg_save_markers(cinfo, JPEG_APP0 + 1, 0xFFFF);
  jpeg_read_header(cinfo, TRUE);
  // Saved markers live in the image pool, which jpeg_finish_decompress frees.
  d.orientation = ExifOrientation(*cinfo);
  d.cmyk = cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK;
  cinfo->out_color_space = d.cmyk ? JCS_CMYK : JCS_EXT_BGR;
  jpeg_start_decompress(cinfo);
  out->create(int(cinfo->output_height), int(cinfo->output_width), d.cmyk ? CV_8UC4 : CV_8UC3);
  while (cinfo->output_scanline < cinfo->output_height && !err->data_ended_early) {
    JSAMPROW row = out->ptr<uchar>(int(cinfo->output_scanline));
    jpeg_read_scanlines(cinfo, &row, 1);
  }
  if (err->data_ended_early) return d;
  jpeg_finish_decompress(cinfo);
  d.ok = !err->data_ended_early;
  return d;
}

Status DecodeFailed(const std::string& why) {
  return Status(errc::kImageDecodeFailed, "image could not be decoded: " + why);
}

}  // namespace

Result<cv::Mat> DecodeJpeg(std::string_view bytes) {
  cv::Mat pixels;
  jpeg_decompress_struct cinfo{};
  ErrorManager err;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = OnFatalError;
  err.pub.emit_message = OnMessage;
  jpeg_create_decompress(&cinfo);
  Decoded d;
  try {
    d = Run(&cinfo, &err, bytes, &pixels);
  } catch (const cv::Exception&) {  // allocation of the output
    jpeg_destroy_decompress(&cinfo);
    return DecodeFailed("out of memory");
  }
  jpeg_destroy_decompress(&cinfo);
  if (err.data_ended_early) return Status(errc::kImageDecodeFailed, "the JPEG is truncated");
  if (!d.ok) return DecodeFailed(err.message);
  if (d.cmyk) pixels = CmykToBgr(pixels);
  ApplyOrientation(d.orientation, pixels);
  return pixels;
}

}  // namespace kanjian::vision
