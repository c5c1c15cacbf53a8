#include "vision/registry/model_registry.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>

#include "common/error_codes.h"
#include "vision/models/attribute_classifier.h"
#include "vision/models/yolo_detector.h"
#include "vision/recognizers/body_test_util.h"

namespace kanjian::vision {
namespace {

using namespace testing;
namespace fs = std::filesystem;

std::string WriteTemp(const std::string& name, const std::string& text) {
  fs::path p = fs::temp_directory_path() / ("kanjian_registry_" + std::to_string(getpid()) + name);
  std::ofstream(p) << text;
  return p.string();
}

TEST(InputSpecTest, NormalisesAndOrdersChannels) {
  cv::Mat px(1, 1, CV_8UC3, cv::Scalar(10, 20, 30));  // B G R
  InputSpec s;
  s.width = s.height = 1;
  s.scale = 1;
  s.mean = {127, 127, 127};
  s.std = {128, 128, 128};
  float out[3];
  FillInputTensor(px, s, out);
  EXPECT_FLOAT_EQ(out[0], (30 - 127) / 128.f);  // R first
  EXPECT_FLOAT_EQ(out[2], (10 - 127) / 128.f);
  s.rgb = false;
  FillInputTensor(px, s, out);
  EXPECT_FLOAT_EQ(out[0], (10 - 127) / 128.f);
}

TEST(InputSpecTest, LetterboxNhwc) {
  cv::Mat img(2, 4, CV_8UC3, cv::Scalar(255, 255, 255));
  InputSpec s;
  s.width = s.height = 4;
  s.layout = InputSpec::Layout::kNHWC;
  s.resize = InputSpec::Resize::kLetterbox;
  s.pad = 0;
  std::vector<float> out(48);
  InputGeometry g = FillInputTensor(img, s, out.data());
  EXPECT_EQ(g.pad_y, 1);
  EXPECT_FLOAT_EQ(out[0], 0.f);                // padding row
  EXPECT_FLOAT_EQ(out[(1 * 4 + 0) * 3], 1.f);  // image row
}

TEST(ModelsConfigTest, BundledParsesWhenModelsAreInstalled) {
  KANJIAN_REQUIRE_FILE(FaceModelPath());
  KANJIAN_REQUIRE_FILE(EmbedModelPath());
  auto c = LoadModelsConfig("", ModelsDir());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_NE(c->Find("face_detector"), nullptr);
  EXPECT_EQ(c->Find("face_detector")->input.width, 320);
  EXPECT_EQ(c->attributes.at("反光衣识别").builtin, "fluorescent_vest");
}

TEST(ModelsConfigTest, MissingConfigFileIsNamed) {
  auto c = LoadModelsConfig("/no/such/models.json", ModelsDir());
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("/no/such/models.json"), std::string::npos);
}

TEST(ModelsConfigTest, MissingFileIsNamed) {
  auto path = WriteTemp("missing.json", R"({"tasks":{"face_detector":{"file":"/no/such/face.onnx",
      "decode":"ultraface","input":{"width":320,"height":240}}}})");
  auto c =
      ParseModelsConfig(nlohmann::json::parse(std::ifstream(path)), "/nonexistent-models", path);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("/no/such/face.onnx"), std::string::npos)
      << c.status().message();
  EXPECT_NE(c.status().message().find(path), std::string::npos);
}

TEST(ModelsConfigTest, RejectsUnknownTaskDecodeAttributeAndLabel) {
  const std::string dir = fs::temp_directory_path().string();
  const std::string model = WriteTemp("m.onnx", "x");
  auto parse = [&](const std::string& text) {
    return ParseModelsConfig(nlohmann::json::parse(text), dir, "t.json");
  };
  auto r1 = parse(R"({"tasks":{"flux_capacitor":{"file":")" + model + R"("}}})");
  EXPECT_NE(r1.status().message().find("unknown task"), std::string::npos);
  auto r2 = parse(R"({"tasks":{"face_detector":{"file":")" + model +
                  R"(","decode":"yolo9","input":{"width":8,"height":8}}}})");
  EXPECT_NE(r2.status().message().find("decode"), std::string::npos);
  auto r3 = parse(R"({"attributes":{"隐身识别":{"method":"builtin","builtin":"skin_torso"}}})");
  EXPECT_NE(r3.status().message().find("unknown attribute"), std::string::npos);
  auto r4 = parse(
      R"({"attributes":{"安全帽识别":{"method":"onnx","file":")" + model +
      R"(","decode":"softmax","labels":["无安全帽","有帽子"],"input":{"width":8,"height":8}}}})");
  EXPECT_NE(r4.status().message().find("有帽子"), std::string::npos);
  auto r5 = parse(R"({"attributes":{"安全帽识别":{"method":"builtin","builtin":"skin_torso"}}})");
  EXPECT_FALSE(r5.ok());
  auto ok = parse(R"({"attributes":{"安全帽识别":{"method":"onnx","file":")" + model +
                  R"(","decode":"softmax","labels":["无安全帽","有安全帽"],"region":"head",
                  "input":{"width":64,"height":64,"layout":"NHWC","channels":"BGR","mean":0.5}}}})");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  const auto& a = ok->attributes.at("安全帽识别");
  EXPECT_EQ(a.model.input.layout, InputSpec::Layout::kNHWC);
  EXPECT_FALSE(a.model.input.rgb);
  EXPECT_EQ(a.region, "head");
}

TEST(ModelsConfigTest, Int8PrecisionServesTheQuantizedTwin) {
  const fs::path dir = fs::temp_directory_path() / ("kanjian_int8_" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "det.onnx") << "fp32";
  auto parse = [&](const std::string& precision) {
    return ParseModelsConfig(
        nlohmann::json::parse(R"({"tasks":{"object_detector":{"file":"det.onnx","decode":"yolov5",
            "precision":)" + precision +
                              R"(,"input":{"width":64,"height":64}}}})"),
        dir.string(), "t.json");
  };
  auto missing = parse(R"("int8")");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), errc::kNotFound);
  EXPECT_NE(missing.status().message().find((dir / "det.int8.onnx").string()), std::string::npos)
      << missing.status().message();
  EXPECT_NE(missing.status().message().find("make_int8_models.sh"), std::string::npos);

  std::ofstream(dir / "det.int8.onnx") << "int8";
  auto int8 = parse(R"("int8")");
  ASSERT_TRUE(int8.ok()) << int8.status().ToString();
  EXPECT_EQ(int8->Find("object_detector")->path, (dir / "det.int8.onnx").string());
  EXPECT_EQ(int8->Find("object_detector")->precision, "int8");
  auto fp32 = parse(R"("fp32")");
  ASSERT_TRUE(fp32.ok());
  EXPECT_EQ(fp32->Find("object_detector")->path, (dir / "det.onnx").string());
  auto bad = parse(R"("int4")");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("precision must be fp32 or int8"), std::string::npos);
  fs::remove_all(dir);
}

TEST(ModelsConfigTest, FileOverlaysBundledEntriesAndNullRemoves) {
  KANJIAN_REQUIRE_FILE(FaceModelPath());
  KANJIAN_REQUIRE_FILE(EmbedModelPath());
  auto bundled = LoadModelsConfig("", ModelsDir());
  ASSERT_TRUE(bundled.ok()) << bundled.status().ToString();
  EXPECT_EQ(bundled->attributes.count("反光衣识别"), 1u);
  EXPECT_EQ(bundled->attributes.count("玩手机识别"), 0u);  // opt-in: measured 0/4 on real phones
  EXPECT_EQ(bundled->attributes.count("赤膊识别"), 0u);  // opt-in: measured 0/1, 9/10 false alarms
  auto path = WriteTemp("overlay.json", R"({"attributes":{"反光衣识别":null,
      "赤膊识别":{"method":"builtin","builtin":"skin_torso"}}})");
  auto c = LoadModelsConfig(path, ModelsDir());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->attributes.count("反光衣识别"), 0u);
  EXPECT_EQ(c->attributes.count("赤膊识别"), 1u);
}

TEST(ModelRegistryTest, ReloadSwapsAndKeepsOldSetOnError) {
  KANJIAN_REQUIRE_FILE(FaceModelPath());
  KANJIAN_REQUIRE_FILE(EmbedModelPath());
  auto path = WriteTemp("reload.json", R"({"attributes":{"反光衣识别":null}})");
  auto reg = ModelRegistry::Load(path, ModelsDir());
  ASSERT_TRUE(reg.ok()) << reg.status().ToString();
  auto before = (*reg)->Snapshot();
  EXPECT_EQ(before->attributes.count("反光衣识别"), 0u);

  std::ofstream(path) << "{}";
  ASSERT_TRUE((*reg)->Reload().ok());
  auto after = (*reg)->Snapshot();
  EXPECT_EQ(after->attributes.count("反光衣识别"), 1u);
  EXPECT_EQ(before->attributes.count("反光衣识别"), 0u);  // the old snapshot is untouched

  std::ofstream(path) << R"({"tasks":{"embedder":{"file":"gone.onnx","decode":"embedding",
                             "input":{"width":8,"height":8}}}})";
  Status s = (*reg)->Reload();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("gone.onnx"), std::string::npos);
  EXPECT_EQ((*reg)->Snapshot(), after);
}

// The COCO detector is part of the set: a holder of the old set keeps a
// working detector while a reload installs a new one; a reload whose
// detector ONNX is corrupt is refused, naming the file, and changes nothing.
TEST(ModelRegistryTest, DetectorIsSwappedWithTheSet) {
  KANJIAN_REQUIRE_FILE(DetectorPath());
  KANJIAN_REQUIRE_FILE(DarknetImage("dog.jpg"));
  auto detector_only = [](const std::string& file) {
    return R"({"tasks":{"face_detector":null,"embedder":null,"object_detector":{"file":")" + file +
           R"(","decode":"yolov5","labels":"coco80","input":{"width":640,"height":640,
           "resize":"letterbox"}}},"attributes":{"玩手机识别":null,"赤膊识别":null,"反光衣识别":null}})";
  };
  auto path = WriteTemp("detector.json", detector_only("yolov5s.onnx"));
  auto reg = ModelRegistry::Load(path, ModelsDir(), 1, {"object_detector"});
  ASSERT_TRUE(reg.ok()) << reg.status().ToString();
  std::shared_ptr<const ModelSet> held = (*reg)->Snapshot();
  ASSERT_NE(held->detector, nullptr);
  EXPECT_EQ(held->face_detector, nullptr);

  ASSERT_TRUE((*reg)->Reload().ok());
  auto current = (*reg)->Snapshot();
  ASSERT_NE(current->detector, nullptr);
  EXPECT_NE(current->detector, held->detector);  // a new model was loaded and installed
  cv::Mat dog = cv::imread(DarknetImage("dog.jpg"));
  auto old_answer = held->detector->Detect(dog);  // the holder's model still works
  auto new_answer = current->detector->Detect(dog);
  ASSERT_TRUE(old_answer.ok()) << old_answer.status().ToString();
  ASSERT_TRUE(new_answer.ok()) << new_answer.status().ToString();
  EXPECT_EQ(old_answer->size(), new_answer->size());

  const std::string corrupt = WriteTemp("corrupt.onnx", "not a model");
  std::ofstream(path) << detector_only(corrupt);
  Status s = (*reg)->Reload();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(corrupt), std::string::npos) << s.message();
  EXPECT_EQ((*reg)->Snapshot(), current);
}

// The ocr_det / ocr_rec entries name the files the OCR engine loads: a set
// whose configured recognizer is a renamed copy loads, and one whose
// configured recognizer is corrupt is refused naming it (the OCR dir's
// defaults are intact, so only the configured file can be the cause).
TEST(ModelRegistryTest, OcrLoadsTheConfiguredFiles) {
  const std::string ocr_dir = ModelsDir() + "/ocr";
  KANJIAN_REQUIRE_FILE(ocr_dir + "/ch_PP-OCRv4_rec_infer.onnx");
  const fs::path own =
      fs::temp_directory_path() / ("kanjian_registry_ocr_" + std::to_string(getpid()));
  fs::create_directories(own);
  fs::copy_file(ocr_dir + "/ch_PP-OCRv4_rec_infer.onnx", own / "my_rec.onnx",
                fs::copy_options::overwrite_existing);
  fs::copy_file(ocr_dir + "/ppocr_keys_v1.txt", own / "my_keys.txt",
                fs::copy_options::overwrite_existing);
  std::ofstream(own / "broken_rec.onnx") << "not a model";
  auto config_with_rec = [&](const std::string& rec) {
    return R"({"tasks":{"face_detector":null,"embedder":null,"object_detector":null,
             "ocr_rec":{"input":{"width":320,"height":48},"file":")" +
           (own / rec).string() + R"(","decode":"ctc","keys_file":")" +
           (own / "my_keys.txt").string() + R"("}},
             "attributes":{"玩手机识别":null,"赤膊识别":null,"反光衣识别":null}})";
  };
  ExtraModelDirs extra;
  extra.ocr_dir = ocr_dir;

  auto good =
      LoadModelsConfig(WriteTemp("ocr_good.json", config_with_rec("my_rec.onnx")), ModelsDir());
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  auto set = LoadModelSet(std::move(good.value()), 1, extra);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_NE((*set)->ocr, nullptr);

  auto bad =
      LoadModelsConfig(WriteTemp("ocr_bad.json", config_with_rec("broken_rec.onnx")), ModelsDir());
  ASSERT_TRUE(bad.ok()) << bad.status().ToString();
  auto refused = LoadModelSet(std::move(bad.value()), 1, extra);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("broken_rec.onnx"), std::string::npos)
      << refused.status().message();
  fs::remove_all(own);
}

}  // namespace
}  // namespace kanjian::vision
