#include "server/admin_reload.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/error_codes.h"
#include "vision/registry/model_registry.h"
#include "vision/vision_test_util.h"

namespace kanjian::server {
namespace {

namespace fs = std::filesystem;

TEST(AdminReloadTest, OnlyLoopbackAddressesAreLoopback) {
  for (const char* a : {"127.0.0.1", "127.255.0.9", "::1", "::ffff:127.0.0.1", "0:0:0:0:0:0:0:1"})
    EXPECT_TRUE(IsLoopbackAddress(a)) << a;
  for (const char* a :
       {"", "localhost", "10.0.0.1", "128.0.0.1", "0.0.0.0", "::", "::ffff:10.0.0.1", "fe80::1",
        "126.255.255.255", "127.0.0.1 ", "::2", "1.127.0.0"})
    EXPECT_FALSE(IsLoopbackAddress(a)) << a;
}

TEST(AdminReloadTest, RefusesOtherPeersAndReportsSuccessAndFailure) {
  KANJIAN_REQUIRE_FILE(vision::testing::DynamicDetectorInt8Path());
  const fs::path config =
      fs::temp_directory_path() / ("kanjian_admin_reload_" + std::to_string(getpid()) + ".json");
  const std::string detector_only = R"({"tasks":{"face_detector":null,"embedder":null},
      "attributes":{"玩手机识别":null,"赤膊识别":null,"反光衣识别":null}})";
  std::ofstream(config) << detector_only;
  auto registry = vision::ModelRegistry::Load(config.string(), vision::testing::ModelsDir(), 1,
                                              {"object_detector"});
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  const auto before = (*registry)->Snapshot();

  AdminAnswer refused = HandleAdminReload("192.0.2.7", "", {}, **registry);
  EXPECT_EQ(refused.http_status, 403);
  EXPECT_EQ(nlohmann::json::parse(refused.body)["Error"]["Code"], "UnauthorizedOperation");
  // Another machine needs the node's admin token, exactly, after "Bearer ".
  const AdminAccess with_token{std::string(40, 't')};
  EXPECT_EQ(HandleAdminReload("192.0.2.7", "Bearer " + std::string(40, 'x'), with_token, **registry)
                .http_status,
            403);
  EXPECT_EQ(
      HandleAdminReload("192.0.2.7", std::string(40, 't'), with_token, **registry).http_status,
      403);
  EXPECT_EQ(HandleAdminReload("192.0.2.7", "Bearer ", {}, **registry).http_status, 403);
  EXPECT_EQ((*registry)->Snapshot(), before);  // nothing was reloaded

  AdminAnswer remote =
      HandleAdminReload("192.0.2.7", "Bearer " + std::string(40, 't'), with_token, **registry);
  EXPECT_EQ(remote.http_status, 200) << remote.body;
  AdminAnswer ok = HandleAdminReload("127.0.0.1", "", {}, **registry);
  ASSERT_EQ(ok.http_status, 200) << ok.body;
  auto body = nlohmann::json::parse(ok.body);
  EXPECT_EQ(body["Reloaded"], true);
  EXPECT_EQ(body["Source"], config.string());
  ASSERT_EQ(body["Models"].size(), 1u) << ok.body;
  EXPECT_EQ(body["Models"][0]["Task"], "object_detector");
  EXPECT_EQ(body["Models"][0]["File"],
            fs::path(vision::testing::DynamicDetectorInt8Path())
                .lexically_normal()
                .string());  // the bundled set's
  const auto reloaded = (*registry)->Snapshot();
  EXPECT_NE(reloaded, before);
  // The same config and files: the same set, by its hash, which /healthz shows.
  EXPECT_EQ(body["Hash"], before->hash);
  EXPECT_EQ(body["Hash"].get<std::string>().size(), 64u);
  EXPECT_EQ(HealthJson(*reloaded)["ModelSet"]["Hash"], before->hash);
  EXPECT_EQ(HealthJson(*reloaded)["ModelSet"]["Source"], config.string());

  std::ofstream(config, std::ios::trunc) << R"({"tasks":{"object_detector":{"file":"nope.onnx",
      "decode":"yolov5","input":{"width":640,"height":640}}}})";
  AdminAnswer failed = HandleAdminReload("::1", "", {}, **registry);
  EXPECT_EQ(failed.http_status, 500);
  auto error = nlohmann::json::parse(failed.body)["Error"];
  EXPECT_EQ(error["Code"], "FailedOperation.ModelReloadFailed");
  EXPECT_NE(error["Message"].get<std::string>().find("nope.onnx"), std::string::npos)
      << failed.body;
  EXPECT_EQ((*registry)->Snapshot(), reloaded);
  fs::remove(config);
}

}  // namespace
}  // namespace kanjian::server
