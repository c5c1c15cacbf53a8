#include "vision/recognizers/vehicle_search.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "vision/models/ocr/ocr_test_util.h"

namespace kanjian::vision {
namespace {

TEST(VehicleSearch, CanvasBoxesMapBackClippedToTheFrame) {
  cv::Mat image(200, 400, CV_8UC3, cv::Scalar(10, 20, 30));
  ShrunkCanvas s = ShrinkIntoCanvas(image, 0.5f);
  ASSERT_EQ(s.canvas.size(), image.size());
  EXPECT_EQ(s.offset_x, 100);
  EXPECT_EQ(s.offset_y, 50);
  EXPECT_EQ(s.canvas.at<cv::Vec3b>(0, 0), cv::Vec3b(114, 114, 114)) << "padding";
  EXPECT_EQ(s.canvas.at<cv::Vec3b>(100, 200), cv::Vec3b(10, 20, 30)) << "the image";
  std::vector<Detection> d = {
      {2, "car", 0.8f, {110, 60, 100, 50}},  // inside: (20,20)-(220,120)
      {2, "car", 0.7f, {80, 40, 260, 130}},  // overflows the shrunk image: clipped to the frame
      {2, "car", 0.9f, {0, 0, 90, 40}},      // wholly in the padding: dropped
  };
  auto mapped = MapFromCanvas(d, s, image.cols, image.rows);
  ASSERT_EQ(mapped.size(), 2u);
  EXPECT_EQ(mapped[0].box.x, 20);
  EXPECT_EQ(mapped[0].box.y, 20);
  EXPECT_EQ(mapped[0].box.width, 200);
  EXPECT_EQ(mapped[0].box.height, 100);
  EXPECT_EQ(mapped[1].box.x, 0);
  EXPECT_EQ(mapped[1].box.y, 0);
  EXPECT_EQ(mapped[1].box.width, 400);
  EXPECT_EQ(mapped[1].box.height, 200);
}

class VehicleSearchModels : public ::testing::Test {
 protected:
  static const YoloDetector* Detector() {
    static std::unique_ptr<YoloDetector> d = [] {
      auto r = YoloDetector::Load({.model_path = testing::DetectorPath(), .intra_op_threads = 2});
      return r.ok() ? std::move(r.value()) : nullptr;
    }();
    return d.get();
  }
  void SetUp() override {
    KANJIAN_REQUIRE_FILE(testing::DetectorPath());
    KANJIAN_REQUIRE_FILE(testing::OcrRecPath());
    ASSERT_NE(Detector(), nullptr);
    ASSERT_NE(testing::SharedOcr(), nullptr);
  }
  static Result<std::vector<CarTag>> Find(const cv::Mat& image, bool pro) {
    return FindVehicles(
        image, [](const cv::Mat& m) { return Detector()->Detect(m); }, *testing::SharedOcr(), pro,
        VehicleOptions{});
  }
  static cv::Mat Eval(const std::string& name) {
    return cv::imread(testing::RepoRoot() + "/tests/eval/images/" + name);
  }
};

// The rear view filling the whole frame that the detector alone misses
// (tests/eval/images, rendered by scripts/make_eval_images.py).
TEST_F(VehicleSearchModels, FindsTheCarThatFillsTheFrameAndReadsItsPlate) {
  cv::Mat image = Eval("closeup_raw_blue.jpg");
  ASSERT_FALSE(image.empty());
  auto alone = Detector()->Detect(image);
  ASSERT_TRUE(alone.ok());
  auto direct = CarsFromDetections(image, *alone, nullptr, VehicleOptions{});
  ASSERT_TRUE(direct.ok());
  EXPECT_TRUE(direct->empty()) << "the detector alone found it: the test no longer shows the fix";
  auto cars = Find(image, /*pro=*/true);
  ASSERT_TRUE(cars.ok()) << cars.status().ToString();
  ASSERT_EQ(cars->size(), 1u);
  ASSERT_TRUE((*cars)[0].plate.has_value());
  EXPECT_EQ((*cars)[0].plate->plate, "晋N60Z5D");
  auto plain = Find(image, /*pro=*/false);
  ASSERT_TRUE(plain.ok());
  ASSERT_EQ(plain->size(), 1u) << "RecognizeCar finds it too";
  EXPECT_FALSE((*plain)[0].plate.has_value());
}

// Pass 3 alone: a plate with no car around it (cut out of an eval image,
// on grey) is reported as a vehicle filling the frame, at low confidence.
TEST_F(VehicleSearchModels, APlateAloneIsAVehicleFillingTheFrame) {
  cv::Mat car = Eval("car_0_blue.jpg");
  ASSERT_FALSE(car.empty());
  cv::Mat image(360, 640, CV_8UC3, cv::Scalar(128, 128, 128));
  // The plate of car_0_blue (tests/eval/ocr_car_envelope.json: 453,489-568,529) and a margin.
  car(cv::Rect(440, 480, 140, 58)).copyTo(image(cv::Rect(250, 150, 140, 58)));
  auto tag = VehicleFromPlate(image, *testing::SharedOcr(), true, VehicleOptions{});
  ASSERT_TRUE(tag.ok()) << tag.status().ToString();
  ASSERT_TRUE(tag->has_value());
  const CarTag& t = **tag;
  EXPECT_EQ(t.confidence, kPlateFirstConfidence);
  EXPECT_EQ(t.location[2].x, 640);
  EXPECT_EQ(t.location[2].y, 360);
  EXPECT_EQ(t.type, "轿车") << "a blue plate is a small car's";
  ASSERT_TRUE(t.plate.has_value());
  EXPECT_EQ(t.plate->plate, "沪XM7M5B");
}

// Never invent a vehicle: real photos with neither a vehicle nor a plate
// (Debian darknet; the eval set's rendered text pages and envelopes).
TEST_F(VehicleSearchModels, PhotosWithoutVehicleOrPlateYieldNothing) {
  std::vector<std::string> paths;
  for (const char* n : {"eagle.jpg", "giraffe.jpg", "person.jpg", "horses.jpg", "scream.jpg"})
    paths.push_back(testing::DarknetImage(n));
  for (const char* n : {"document_page_0.jpg", "document_page_2.jpg", "envelope_sf_front_0.jpg"})
    paths.push_back(testing::RepoRoot() + "/tests/eval/images/" + n);
  for (const auto& path : paths) {
    KANJIAN_REQUIRE_FILE(path);
    cv::Mat image = cv::imread(path);
    ASSERT_FALSE(image.empty()) << path;
    auto cars = Find(image, /*pro=*/true);
    ASSERT_TRUE(cars.ok()) << cars.status().ToString();
    EXPECT_TRUE(cars->empty()) << path << ": " << (cars->empty() ? "" : (*cars)[0].type);
  }
}

}  // namespace
}  // namespace kanjian::vision
