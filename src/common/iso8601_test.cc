#include "common/iso8601.h"

#include <gtest/gtest.h>

namespace kanjian {
namespace {

constexpr int kShanghai = 8 * 3600;

TEST(Iso8601Test, ParsesOffsetsToTheSameInstant) {
  auto a = ParseIso8601("2026-10-05T10:00:00+08:00", 0);
  auto b = ParseIso8601("2026-10-05T02:00:00Z", 0);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(*a, 1791165600LL * 1'000'000);
}

TEST(Iso8601Test, ShanghaiMonthBoundaryIsUtcPreviousDay) {
  auto t = ParseIso8601("2026-11-01T00:00:00+08:00", 0);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatIso8601(*t, 0), "2026-10-31T16:00:00Z");
  EXPECT_EQ(FormatIso8601(*t, kShanghai), "2026-11-01T00:00:00+08:00");
  EXPECT_EQ(UtcDate(*t / 1'000'000), "2026-10-31");
}

TEST(Iso8601Test, BareDateUsesDefaultOffsetAndLeapYears) {
  auto t = ParseIso8601("2028-02-29", kShanghai);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatIso8601(*t, kShanghai), "2028-02-29T00:00:00+08:00");
  EXPECT_FALSE(ParseIso8601("2027-02-29", kShanghai).ok());
  EXPECT_TRUE(ParseIso8601("2000-02-29", kShanghai).ok());
  EXPECT_FALSE(ParseIso8601("1900-02-29", kShanghai).ok());
}

TEST(Iso8601Test, FractionsAndNegativeOffsets) {
  auto t = ParseIso8601("2026-01-01T00:00:00.25-05:30", 0);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t % 1'000'000, 250000);
  EXPECT_EQ(FormatIso8601(*t, 0), "2026-01-01T05:30:00Z");
}

TEST(Iso8601Test, RejectsMalformed) {
  for (const char* bad :
       {"", "2026", "2026-13-01", "2026-10-05T25:00:00Z", "2026-10-05T10:00:00",
        "2026-10-05T10:00:00+0800", "2026-10-05T10:00Z", "tomorrow", "2026-10-05T10:00:00Zjunk"}) {
    EXPECT_FALSE(ParseIso8601(bad, 0).ok()) << bad;
  }
}

TEST(Iso8601Test, CivilDaysRoundTripAcrossCenturies) {
  for (int64_t d = -800000; d < 800000; d += 997) {
    int y;
    unsigned m, dd;
    CivilFromDays(d, &y, &m, &dd);
    EXPECT_EQ(DaysFromCivil(y, m, dd), d);
  }
}

}  // namespace
}  // namespace kanjian
