// Pixel evidence of a plain letter envelope (DetectEnvelope), for envelopes
// that carry no courier words: the row of postcode boxes on the front, and
// the flap on the back. Both are judged on a grey image scaled to ≤ 800 px.
#pragma once

#include <opencv2/core/mat.hpp>

namespace kanjian::vision {

// A row of at least 5 (of the 6) postcode boxes: small squares of one size
// and one tilt, their centres on a line, one box side or a little more apart
// (as on every Chinese envelope's front, top-left, GB/T 1416).
bool HasPostcodeBoxes(const cv::Mat& bgr);

// An envelope back: a sheet of plain paper (the convex hull of the largest
// bright region: an untextured quadrilateral covering ≥ 15 % of the photo;
// the hull also takes in a flap a shade darker than the rest) with the
// flap's fold lines on
// it: at least two straight lines, slanting 12–60° against the sheet's long
// side, one each way, each ≥ 20 % of the sheet's width. A blank sheet has no
// such lines; the caller also requires that no text was read.
bool HasEnvelopeFlap(const cv::Mat& bgr);

}  // namespace kanjian::vision
