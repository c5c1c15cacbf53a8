// The detector, the OCR models and the product gallery are reloadable
// through the model registry (vision_engine.h): a request admitted before a
// reload finishes on the models it pinned, later requests use the new ones,
// and a failed reload changes nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <thread>

#include "common/error_codes.h"
#include "vision/engine_test_util.h"
#include "vision/registry/model_registry.h"
#include "vision/vision_engine.h"
#include "vision/vision_test_util.h"

namespace kanjian::vision {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A models config with the COCO detector only (nothing else to load), its
// file and score threshold chosen by the test. At 0.99 the dog (≈0.9) is
// not found: an observable difference between two detectors.
std::string DetectorOnlyConfig(const std::string& file, double score_threshold) {
  return R"({"tasks":{"face_detector":null,"embedder":null,
    "object_detector":{"file":")" +
         file + R"(","decode":"yolov5","labels":"coco80",
      "score_threshold":)" +
         std::to_string(score_threshold) + R"(,
      "input":{"width":640,"height":640,"scale":0.00392156862745098,
               "resize":"letterbox","pad":114}}},
    "attributes":{"玩手机识别":null,"赤膊识别":null,"反光衣识别":null}})";
}

class DetectorReloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    KANJIAN_REQUIRE_FILE(testing::DetectorPath());
    KANJIAN_REQUIRE_FILE(testing::DarknetImage("dog.jpg"));
    dir_ = fs::temp_directory_path() /
           ("kanjian_reload_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    config_ = (dir_ / "models.json").string();
    dog_ = testing::ReadFile(testing::DarknetImage("dog.jpg"));
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void WriteConfig(const std::string& text) { std::ofstream(config_, std::ios::trunc) << text; }

  // Registry + engine on `config_`, as `kanjian serve` wires them.
  void Start(int batch_max = 1) {
    auto registry = ModelRegistry::Load(config_, testing::ModelsDir(), 1, {"object_detector"});
    ASSERT_TRUE(registry.ok()) << registry.status().ToString();
    registry_ = std::move(registry.value());
    VisionConfig vc;
    vc.models_dir = testing::ModelsDir();
    vc.workers = 2;
    vc.batch_max = batch_max;
    vc.registry = registry_;
    auto engine = VisionEngine::Load(vc);
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(engine.value());
  }

  Result<std::vector<Pet>> DetectDog() {
    return testing::DetectPetOn(*engine_, dog_, std::chrono::steady_clock::now() + 60s);
  }

  fs::path dir_;
  std::string config_;
  std::string dog_;
  std::shared_ptr<ModelRegistry> registry_;
  std::unique_ptr<VisionEngine> engine_;
};

TEST_F(DetectorReloadTest, InFlightRequestKeepsItsDetectorNewRequestsGetTheNewOne) {
  WriteConfig(DetectorOnlyConfig("yolov5s.onnx", 0.25));
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_TRUE(DetectDog().ok());
  std::weak_ptr<const YoloDetector> old_detector = engine_->CurrentModels()->detector;
  ASSERT_EQ(old_detector.lock(), registry_->Snapshot()->detector);

  // A request admitted now, held on its worker until the reload is done.
  std::promise<void> started, go;
  std::shared_future<void> go_signal = go.get_future().share();
  Result<std::vector<Pet>> in_flight = Status(errc::kInternalError, "not run");
  std::thread request([&] {
    in_flight = engine_->RunOnImage<std::vector<Pet>>(
        dog_, VisionEngine::PetImageLimits(), std::chrono::steady_clock::now() + 60s,
        [&](const cv::Mat& image, const ModelSlot& models) -> Result<std::vector<Pet>> {
          started.set_value();
          go_signal.wait();
          return DetectPet(image, models);
        });
  });
  started.get_future().wait();

  WriteConfig(DetectorOnlyConfig("yolov5s.onnx", 0.99));
  Status reloaded = registry_->Reload();
  ASSERT_TRUE(reloaded.ok()) << reloaded.ToString();
  // New requests use the new detector (threshold 0.99: no dog)…
  EXPECT_EQ(DetectDog().status().code(), errc::kNoObjectDetected);
  EXPECT_EQ(engine_->CurrentModels()->detector, registry_->Snapshot()->detector);
  // …while the old one stays loaded for the request that pinned it.
  EXPECT_FALSE(old_detector.expired());
  EXPECT_NE(old_detector.lock(), registry_->Snapshot()->detector);

  go.set_value();
  request.join();
  ASSERT_TRUE(in_flight.ok()) << in_flight.status().ToString();
  ASSERT_EQ(in_flight->size(), 1u);
  EXPECT_EQ((*in_flight)[0].name, "dog");  // answered by the old detector (0.25)

  // Freed once its last request is done (the pool drops the task just after
  // handing over the answer).
  for (int i = 0; i < 500 && !old_detector.expired(); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(old_detector.expired());
}

TEST_F(DetectorReloadTest, FailedReloadChangesNothingAndNamesTheFile) {
  WriteConfig(DetectorOnlyConfig("yolov5s.onnx", 0.25));
  ASSERT_NO_FATAL_FAILURE(Start());
  const auto set_before = registry_->Snapshot();
  const auto slot_before = engine_->CurrentModels();

  const std::string corrupt = (dir_ / "corrupt.onnx").string();
  std::ofstream(corrupt) << "this is not an ONNX model";
  const std::string gone = (dir_ / "gone.onnx").string();
  struct Case {
    std::string config;
    std::string named;  // the file the error must name
  };
  const Case cases[] = {
      {DetectorOnlyConfig(corrupt, 0.25), corrupt},                  // ONNX Runtime refuses it
      {DetectorOnlyConfig(gone, 0.25), gone},                        // missing model file
      {"{ not json", config_},                                       // unreadable config
      {R"({"tasks":{"object_detector":null}})", "object_detector"},  // required task dropped
  };
  for (const Case& c : cases) {
    WriteConfig(c.config);
    Status s = registry_->Reload();
    ASSERT_FALSE(s.ok()) << c.config;
    EXPECT_NE(s.message().find(c.named), std::string::npos) << s.message();
    EXPECT_EQ(registry_->Snapshot(), set_before);
    EXPECT_EQ(engine_->CurrentModels(), slot_before);
    auto pets = DetectDog();
    ASSERT_TRUE(pets.ok()) << pets.status().ToString();
    EXPECT_EQ((*pets)[0].name, "dog");
  }
}

TEST_F(DetectorReloadTest, BatchedEngineGetsABatcherForTheNewDetector) {
  WriteConfig(DetectorOnlyConfig("yolov5s.onnx", 0.25));
  ASSERT_NO_FATAL_FAILURE(Start(/*batch_max=*/2));
  ASSERT_TRUE(DetectDog().ok());
  const auto before = engine_->CurrentModels();
  ASSERT_NE(before->batcher, nullptr);
  EXPECT_EQ(before->batcher->images_run(), 1u);

  WriteConfig(DetectorOnlyConfig("yolov5s.onnx", 0.99));
  ASSERT_TRUE(registry_->Reload().ok());
  EXPECT_EQ(DetectDog().status().code(), errc::kNoObjectDetected);
  const auto after = engine_->CurrentModels();
  ASSERT_NE(after->batcher, nullptr);
  EXPECT_NE(after->batcher.get(), before->batcher.get());
  EXPECT_EQ(after->batcher->images_run(), 1u);   // ran on the new detector's batcher
  EXPECT_EQ(before->batcher->images_run(), 1u);  // the old one saw nothing more
}

TEST(DetectorReload, EngineWithoutDetectorInRegistryIsRefused) {
  KANJIAN_REQUIRE_FILE(testing::DetectorPath());
  const fs::path path =
      fs::temp_directory_path() / ("kanjian_reload_" + std::to_string(getpid()) + "_none.json");
  std::ofstream(path) << R"({"tasks":{"object_detector":null,"face_detector":null,"embedder":null},
      "attributes":{"玩手机识别":null,"赤膊识别":null,"反光衣识别":null}})";
  auto registry = ModelRegistry::Load(path.string(), testing::ModelsDir());
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  VisionConfig vc;
  vc.models_dir = testing::ModelsDir();
  vc.registry = std::move(registry.value());
  auto engine = VisionEngine::Load(vc);
  ASSERT_FALSE(engine.ok());
  EXPECT_NE(engine.status().message().find("object_detector"), std::string::npos);
  fs::remove(path);
}

// OCR and gallery: a registry as `serve` wires it (ExtraModelDirs), on a
// temporary OCR directory (links to the real files) and gallery directory.
class OcrGalleryReloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    KANJIAN_REQUIRE_FILE(testing::DetectorPath());
    KANJIAN_REQUIRE_FILE(OcrSource("ch_PP-OCRv4_det_infer.onnx"));
    KANJIAN_REQUIRE_FILE(testing::DarknetImage("dog.jpg"));
    KANJIAN_REQUIRE_FILE(testing::DarknetImage("giraffe.jpg"));
    dir_ = fs::temp_directory_path() /
           ("kanjian_reload_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "ocr");
    fs::create_directories(dir_ / "gallery");
    for (const char* f :
         {"ch_PP-OCRv4_det_infer.onnx", "ch_PP-OCRv4_rec_infer.onnx", "ppocr_keys_v1.txt"})
      fs::create_symlink(OcrSource(f), dir_ / "ocr" / f);
    config_ = (dir_ / "models.json").string();
    std::ofstream(config_) << DetectorOnlyConfig("yolov5s.onnx", 0.25);
    AddProduct("长颈鹿玩偶", "giraffe.jpg");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  static std::string OcrSource(const std::string& file) {
    return testing::ModelsDir() + "/ocr/" + file;
  }
  // Copies the darknet photo `file` into the gallery as product `name`.
  void AddProduct(const std::string& name, const std::string& file) {
    fs::copy_file(testing::DarknetImage(file), dir_ / "gallery" / file,
                  fs::copy_options::overwrite_existing);
    products_.push_back({{"Name", name}, {"Files", {file}}});
    WriteGallery();
  }
  void WriteGallery() {
    std::ofstream(dir_ / "gallery" / "gallery.json", std::ios::trunc)
        << nlohmann::json{{"Products", products_}}.dump();
  }

  void Start() {
    ExtraModelDirs extra;
    extra.ocr_dir = (dir_ / "ocr").string();
    extra.product_gallery_dir = (dir_ / "gallery").string();
    auto registry =
        ModelRegistry::Load(config_, testing::ModelsDir(), 1, {"object_detector"}, extra);
    ASSERT_TRUE(registry.ok()) << registry.status().ToString();
    registry_ = std::move(registry.value());
    VisionConfig vc;
    vc.models_dir = "/nonexistent";  // OCR must come from the registry, not from here
    vc.workers = 2;
    vc.registry = registry_;
    auto engine = VisionEngine::Load(vc);
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(engine.value());
  }

  // The best gallery product for the whole dog.jpg, as a new request sees it.
  std::string BestForDog() {
    cv::Mat dog = cv::imread(testing::DarknetImage("dog.jpg"), cv::IMREAD_COLOR);
    auto matches = engine_->CurrentModels()->product_gallery->NearestTo(dog, 1);
    if (!matches.ok() || matches->empty()) return "(none)";
    return (*matches)[0].product->name;
  }

  fs::path dir_;
  std::string config_;
  nlohmann::json products_ = nlohmann::json::array();
  std::shared_ptr<ModelRegistry> registry_;
  std::unique_ptr<VisionEngine> engine_;
};

TEST_F(OcrGalleryReloadTest, ReloadRereadsTheGalleryInFlightRequestKeepsTheOldModels) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const auto before = registry_->Snapshot();
  ASSERT_NE(before->ocr, nullptr);
  ASSERT_NE(before->product_gallery, nullptr);
  EXPECT_EQ(engine_->CurrentModels()->ocr, before->ocr);
  EXPECT_EQ(engine_->CurrentModels()->product_gallery, before->product_gallery);
  EXPECT_EQ(BestForDog(), "长颈鹿玩偶");  // the only product

  // A request admitted now, held on its worker until the reload is done.
  std::promise<void> started, go;
  std::shared_future<void> go_signal = go.get_future().share();
  struct Seen {
    const ocr::OcrEngine* ocr = nullptr;
    const ProductGallery* gallery = nullptr;
    size_t products = 0;
  };
  Result<Seen> in_flight = Status(errc::kInternalError, "not run");
  std::thread request([&] {
    in_flight = engine_->RunOnImage<Seen>(
        testing::ReadFile(testing::DarknetImage("dog.jpg")), VisionEngine::PetImageLimits(),
        std::chrono::steady_clock::now() + 60s,
        [&](const cv::Mat&, const ModelSlot& models) -> Result<Seen> {
          started.set_value();
          go_signal.wait();
          return Seen{models.ocr.get(), models.product_gallery.get(),
                      models.product_gallery->products()};
        });
  });
  started.get_future().wait();

  // The operator adds a SKU photo, then reloads.
  AddProduct("捷安特自行车", "dog.jpg");
  Status reloaded = registry_->Reload();
  ASSERT_TRUE(reloaded.ok()) << reloaded.ToString();
  const auto after = registry_->Snapshot();
  EXPECT_EQ(after->product_gallery->products(), 2u);
  EXPECT_EQ(BestForDog(), "捷安特自行车");               // new requests see the new SKU…
  EXPECT_EQ(engine_->CurrentModels()->ocr, after->ocr);  // …and the reloaded OCR models
  EXPECT_NE(after->ocr, before->ocr);

  go.set_value();
  request.join();
  ASSERT_TRUE(in_flight.ok()) << in_flight.status().ToString();
  EXPECT_EQ(in_flight->ocr, before->ocr.get());  // the in-flight one kept the old ones
  EXPECT_EQ(in_flight->gallery, before->product_gallery.get());
  EXPECT_EQ(in_flight->products, 1u);
}

TEST_F(OcrGalleryReloadTest, BrokenGalleryOrOcrFileFailsTheReloadAndKeepsTheOldSet) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const auto set_before = registry_->Snapshot();
  const auto slot_before = engine_->CurrentModels();
  auto expect_refused = [&](const std::string& named) {
    Status s = registry_->Reload();
    ASSERT_FALSE(s.ok()) << named;
    EXPECT_NE(s.message().find(named), std::string::npos) << s.message();
    EXPECT_EQ(registry_->Snapshot(), set_before);
    EXPECT_EQ(engine_->CurrentModels(), slot_before);
    EXPECT_EQ(engine_->CurrentModels()->product_gallery, set_before->product_gallery);
    EXPECT_EQ(engine_->CurrentModels()->ocr, set_before->ocr);
    EXPECT_EQ(BestForDog(), "长颈鹿玩偶");
  };

  // A gallery photo that is not an image.
  const fs::path bad = dir_ / "gallery" / "broken.jpg";
  std::ofstream(bad) << "not a JPEG";
  products_.push_back({{"Name", "坏图"}, {"Files", {"broken.jpg"}}});
  WriteGallery();
  ASSERT_NO_FATAL_FAILURE(expect_refused(bad.string()));
  // A photo listed but missing.
  products_.back()["Files"] = {"gone.jpg"};
  WriteGallery();
  ASSERT_NO_FATAL_FAILURE(expect_refused((dir_ / "gallery" / "gone.jpg").string()));
  // The metadata unreadable, then missing.
  std::ofstream(dir_ / "gallery" / "gallery.json", std::ios::trunc) << "{ not json";
  ASSERT_NO_FATAL_FAILURE(expect_refused("gallery.json"));
  fs::remove(dir_ / "gallery" / "gallery.json");
  ASSERT_NO_FATAL_FAILURE(expect_refused((dir_ / "gallery" / "gallery.json").string()));

  // Gallery repaired, but an OCR model corrupt.
  products_.erase(products_.size() - 1);
  WriteGallery();
  const fs::path det = dir_ / "ocr" / "ch_PP-OCRv4_det_infer.onnx";
  fs::remove(det);
  std::ofstream(det) << "not an ONNX model";
  ASSERT_NO_FATAL_FAILURE(expect_refused(det.string()));

  // Both repaired: the reload goes through.
  fs::remove(det);
  fs::create_symlink(OcrSource("ch_PP-OCRv4_det_infer.onnx"), det);
  ASSERT_TRUE(registry_->Reload().ok());
  EXPECT_NE(registry_->Snapshot(), set_before);
}

}  // namespace
}  // namespace kanjian::vision
