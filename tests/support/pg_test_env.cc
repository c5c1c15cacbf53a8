#include "tests/support/pg_test_env.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "store/pg/pg_db.h"

namespace kanjian::store::pg {
namespace {

int FreePort() {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  close(s);
  return ntohs(a.sin_port);
}

std::string Run(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (!p) return out;
  std::array<char, 512> buf;
  while (fgets(buf.data(), buf.size(), p)) out += buf.data();
  if (pclose(p) != 0) return "";
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace

std::string PgTestServer::base_uri_;

void PgTestServer::SetUp() {
  if (const char* uri = std::getenv("KANJIAN_TEST_PG"); uri && *uri) {
    base_uri_ = uri;
    return;
  }
  char tmpl[] = "/tmp/kanjian-pgtest-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  dir_ = std::string(tmpl) + "/data";
  base_uri_ = Run(std::string(KANJIAN_SOURCE_DIR) + "/scripts/pg_cluster.sh start " + dir_ + " " +
                  std::to_string(FreePort()));
  ASSERT_FALSE(base_uri_.empty()) << "scripts/pg_cluster.sh could not start PostgreSQL";
}

void PgTestServer::TearDown() {
  if (dir_.empty()) return;
  Run(std::string(KANJIAN_SOURCE_DIR) + "/scripts/pg_cluster.sh stop " + dir_);
  std::filesystem::remove_all(std::filesystem::path(dir_).parent_path());
}

std::string PgTestServer::FreshDatabase(const std::string& name) {
  auto admin = PgConnection::Open(base_uri_);
  EXPECT_TRUE(admin.ok()) << admin.status().message();
  if (!admin.ok()) return "";
  (void)(*admin)->Exec("DROP DATABASE IF EXISTS " + name);
  auto made = (*admin)->Exec("CREATE DATABASE " + name);
  EXPECT_TRUE(made.ok()) << made.status().message();
  return base_uri_.substr(0, base_uri_.rfind('/') + 1) + name;
}

}  // namespace kanjian::store::pg
