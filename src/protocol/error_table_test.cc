// The error table against itself, the enum, and the tenants' documentation:
// the "Error codes" tables of docs/tenants/errors.md must list exactly the
// table's codes, API codes in the first, the others in the second, so the
// documentation cannot drift.
#include "protocol/error_table.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/status.h"
#include "protocol/envelope.h"

namespace kanjian::protocol {
namespace {

using Codes = std::set<std::string>;

TEST(ErrorTableTest, EveryCodeHasOneDistinctWireString) {
  ASSERT_EQ(AllErrors().size() + 1, kErrorCodeCount);
  Codes wires;
  for (const ErrorSpec& e : AllErrors()) {
    EXPECT_TRUE(wires.insert(std::string(e.wire)).second) << e.wire << " twice";
    EXPECT_EQ(WireCode(e.code), e.wire);
    EXPECT_EQ(FindErrorCode(e.wire), e.code);
  }
  EXPECT_EQ(WireCode(ErrorCode::kOk), "");
  EXPECT_EQ(FindErrorCode("NoSuchCode"), std::nullopt);
}

// Wire strings the official SDKs' tests (and clients) match on: changing
// one is a breaking change, so they are spelled here a second time.
TEST(ErrorTableTest, WireStringsAreStable) {
  EXPECT_EQ(WireCode(errc::kNotActivated), "ResourceUnavailable.NotExist");
  EXPECT_EQ(WireCode(errc::kEmptyImage), "FailedOperation.EmptyImageError");
  EXPECT_EQ(WireCode(errc::kUrlIllegal), "InvalidParameterValue.UrlIllegal");
  EXPECT_EQ(WireCode(errc::kDownLoadError), "FailedOperation.DownLoadError");
  EXPECT_EQ(WireCode(errc::kNotFound), "ResourceNotFound");
  EXPECT_EQ(WireCode(errc::kAlreadyExists), "ResourceInUse");
  EXPECT_EQ(WireCode(errc::kSignatureFailure), "AuthFailure.SignatureFailure");
}

TEST(ErrorTableTest, NamedConstructorsCarryTheirCode) {
  const Status s = Status::UrlIllegal("host not allowed");
  EXPECT_EQ(s.code(), errc::kUrlIllegal);
  EXPECT_EQ(s.ToString(), "UrlIllegal: host not allowed");
  EXPECT_EQ(Status().code(), ErrorCode::kOk);
  EXPECT_EQ(ErrorJson(s), (nlohmann::json{{"Code", "InvalidParameterValue.UrlIllegal"},
                                          {"Message", "host not allowed"}}));
}

// The first column's code of each table row in docs/tenants/errors.md's
// "### Error codes" section, one set per table, in order.
std::vector<Codes> DocumentedTables() {
  std::ifstream in(KANJIAN_SOURCE_DIR "/docs/tenants/errors.md");
  EXPECT_TRUE(in.is_open()) << KANJIAN_SOURCE_DIR "/docs/tenants/errors.md";
  std::vector<Codes> tables;
  bool in_section = false, in_table = false;
  const std::regex code(R"(`([A-Za-z.]+)`)");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("#", 0) == 0) {
      if (in_section) break;
      in_section = line == "### Error codes";
      continue;
    }
    if (!in_section) continue;
    const bool is_row = line.rfind("|", 0) == 0;
    if (is_row && !in_table) tables.emplace_back();
    in_table = is_row;
    if (!is_row) continue;
    // Every `Code` of the first cell ("| `A`, `B` | when |").
    const std::string cell = line.substr(1, line.find('|', 1) - 1);
    for (std::sregex_iterator m(cell.begin(), cell.end(), code), end; m != end; ++m)
      tables.back().insert((*m)[1]);
  }
  return tables;
}

TEST(ErrorTableTest, DocumentationListsExactlyTheTable) {
  Codes api, other;
  for (const ErrorSpec& e : AllErrors())
    (e.surface == ErrorSurface::kApi ? api : other).insert(std::string(e.wire));
  const std::vector<Codes> tables = DocumentedTables();
  ASSERT_EQ(tables.size(), 2u) << "docs/tenants/errors.md needs '### Error codes' with two tables";
  EXPECT_EQ(tables[0], api)
      << "the documented API error table differs from protocol/error_table.cc";
  EXPECT_EQ(tables[1], other)
      << "the documented other error table differs from protocol/error_table.cc";
}

}  // namespace
}  // namespace kanjian::protocol
