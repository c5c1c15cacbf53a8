#include "server/console/console_reply.h"

#include <gtest/gtest.h>

namespace kanjian::server::console {
namespace {

// The drill-down's cursor holds split-usage ids with ':' that the page sends
// as "%3A"; read raw, "%" sorts before ":" and the next page started too
// early, repeating rows.
TEST(ConsoleQueryTest, ValuesArePercentDecoded) {
  EXPECT_EQ(QueryParam("day=2026-10-05&cursor=req-1%3A2&limit=50", "cursor"), "req-1:2");
  EXPECT_EQ(QueryParam("q=%E6%AC%A0%E8%B4%B9", "q"), "欠费");
  EXPECT_EQ(QueryParam("q=a+b", "q"), "a b");
  EXPECT_EQ(QueryParam("day=2026-10-05", "cursor"), "");
  EXPECT_EQ(QueryParam("", "cursor"), "");
  // A name that only starts like another is not it.
  EXPECT_EQ(QueryParam("cursorx=1&cursor=2", "cursor"), "2");
  // Not form encoding: as if absent, never the raw text.
  EXPECT_EQ(QueryParam("cursor=%zz", "cursor"), "");
}

TEST(ConsoleQueryTest, DigitsAreAsciiOnly) {
  EXPECT_TRUE(AllDigits("0"));
  EXPECT_TRUE(AllDigits("23"));
  EXPECT_FALSE(AllDigits(""));
  EXPECT_FALSE(AllDigits("1a"));
  EXPECT_FALSE(AllDigits("-1"));
  // Bytes of 0x80 and above (UTF-8, Latin-1 digits) are never digits.
  EXPECT_FALSE(AllDigits("\xb2"));
  EXPECT_FALSE(AllDigits("１"));
}

}  // namespace
}  // namespace kanjian::server::console
