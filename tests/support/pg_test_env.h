// A PostgreSQL server for tests: $KANJIAN_TEST_PG (a libpq URI to a
// database the test may create databases from), or else one started here
// with scripts/pg_cluster.sh in a temp directory and stopped at exit.
// Each test asks for a fresh, empty database of its own.
#pragma once

#include <gtest/gtest.h>

#include <string>

namespace kanjian::store::pg {

class PgTestServer : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;
  // A new empty database; its URI.
  static std::string FreshDatabase(const std::string& name);

 private:
  static std::string base_uri_;  // ends in /kanjian
  std::string dir_;              // "" when $KANJIAN_TEST_PG was given
};

}  // namespace kanjian::store::pg
