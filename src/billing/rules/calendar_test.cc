#include "billing/rules/calendar.h"

#include <gtest/gtest.h>

#include "common/iso8601.h"
#include "tests/support/beijing_time.h"

namespace kanjian::billing {
namespace {

constexpr int kCst = 8 * 3600;
using testing::T;

TEST(CalendarTest, MonthBoundaryIsInShanghaiTime) {
  EXPECT_EQ(MonthOf(T("2026-10-31T23:59:59+08:00"), kCst).ToString(), "2026-10");
  EXPECT_EQ(MonthOf(T("2026-11-01T00:00:00+08:00"), kCst).ToString(), "2026-11");
  // The same instant is still October in UTC.
  EXPECT_EQ(MonthOf(T("2026-11-01T00:00:00+08:00"), 0).ToString(), "2026-10");
  EXPECT_EQ(MonthStart({2026, 11}, kCst), T("2026-11-01T00:00:00+08:00"));
  EXPECT_EQ(MonthEnd({2026, 12}, kCst), T("2027-01-01T00:00:00+08:00"));
}

TEST(CalendarTest, AddMonthsClampsToMonthLengthAndLeapYears) {
  EXPECT_EQ(AddMonths(T("2026-10-05T10:00:00+08:00"), 12, kCst), T("2027-10-05T10:00:00+08:00"));
  EXPECT_EQ(AddMonths(T("2027-01-31T12:00:00+08:00"), 1, kCst), T("2027-02-28T12:00:00+08:00"));
  EXPECT_EQ(AddMonths(T("2028-01-31T12:00:00+08:00"), 1, kCst), T("2028-02-29T12:00:00+08:00"));
  EXPECT_EQ(AddMonths(T("2028-02-29T12:00:00+08:00"), 12, kCst), T("2029-02-28T12:00:00+08:00"));
}

TEST(CalendarTest, RefundDeadlineIsEndOfSeventhDay) {
  // Bought 2026-10-05 23:30 local: the 7th day after is 10-12, deadline 10-13 00:00.
  EXPECT_EQ(StartOfDayAfter(T("2026-10-05T23:30:00+08:00"), 8, kCst),
            T("2026-10-13T00:00:00+08:00"));
  // 00:30 local is still the previous day in UTC; the local day counts.
  EXPECT_EQ(StartOfDayAfter(T("2026-10-06T00:30:00+08:00"), 8, kCst),
            T("2026-10-14T00:00:00+08:00"));
}

TEST(CalendarTest, ParseMonth) {
  EXPECT_EQ(ParseMonth("2022-10")->month, 10);
  for (const char* bad : {"2022-13", "2022-1", "22-10", "2022/10", ""})
    EXPECT_FALSE(ParseMonth(bad).ok()) << bad;
}

}  // namespace
}  // namespace kanjian::billing
