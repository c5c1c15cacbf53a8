// Table tests of the payment order (payment_order.h, docs/billing.md §5).
#include "billing/rules/payment_order.h"

#include <gtest/gtest.h>

#include "common/error_codes.h"

namespace kanjian::billing {
namespace {

// "book:amount book:amount … | unpaid"
std::string Describe(const PaymentPlan& plan) {
  std::string out;
  for (const auto& leg : plan.legs) out += leg.book + ":" + std::to_string(-leg.amount_fen) + " ";
  return out + "| " + std::to_string(plan.unpaid);
}

TEST(PaymentOrderTest, PurchasesAndSettlementsTakeSourcesInTheOrder) {
  struct Row {
    const char* name;
    Payer payer;
    Fen due;
    std::map<std::string, int64_t> books;
    std::vector<std::string> order;
    std::string voucher_book;
    std::string expected;
  };
  const std::vector<std::string> def = {"voucher", "gift", "income", "cash"};
  const std::vector<std::string> cash_first = {"cash", "gift", "income", "voucher"};
  const std::map<std::string, int64_t> rich = {
      {"cash", 1000}, {"income", 300}, {"gift", 200}, {"voucher:v1", 100}};
  const Row rows[] = {
      {"purchase, voucher first", Payer::kPackPurchase, 1000, rich, def, "voucher:v1",
       "voucher:v1:100 gift:200 income:300 cash:400 | 0"},
      {"purchase, no voucher named", Payer::kPackPurchase, 1000, rich, def, "",
       "gift:200 income:300 cash:500 | 0"},
      {"purchase, short", Payer::kPackPurchase, 2000, rich, def, "",
       "gift:200 income:300 cash:1000 | 500"},
      {"purchase, negative cash pays nothing",
       Payer::kPackPurchase,
       100,
       {{"cash", -50}},
       def,
       "",
       "| 100"},
      {"purchase, cash first", Payer::kPackPurchase, 1100, rich, cash_first, "voucher:v1",
       "cash:1000 gift:100 | 0"},
      {"purchase, free", Payer::kPackPurchase, 0, rich, def, "voucher:v1", "| 0"},
      {"settlement skips vouchers", Payer::kSettlement, 600, rich, def, "",
       "gift:200 income:300 cash:100 | 0"},
      {"settlement puts the rest on cash", Payer::kSettlement, 5000, rich, def, "",
       "gift:200 income:300 cash:4500 | 0"},
      {"settlement, cash last whatever the order", Payer::kSettlement, 1100, rich, cash_first, "",
       "gift:200 income:300 cash:600 | 0"},
      {"settlement of an empty account", Payer::kSettlement, 675, {}, def, "", "cash:675 | 0"},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(
        Describe(PlanPayment(row.payer, "acc-1", row.due, row.books, row.order, row.voucher_book)),
        row.expected)
        << row.name;
  }
}

TEST(PaymentOrderTest, PaymentOfReadsTheAccountsNegativeLegs) {
  store::LedgerTxn t;
  t.postings = {{"acc-1", "voucher:v1", -100},
                {"acc-1", "gift", -200},
                {"acc-1", "cash", -300},
                {"acc-2", "cash", -1},
                {"platform", "revenue:pack", 601}};
  Payment p = PaymentOf(t, "acc-1");
  EXPECT_EQ(p.voucher, 100);
  EXPECT_EQ(p.gift, 200);
  EXPECT_EQ(p.income, 0);
  EXPECT_EQ(p.cash, 300);
}

TEST(PaymentOrderTest, VoucherMustBeTheAccountsAndUnexpired) {
  store::Voucher v{"v1", "acc-1", 500, 0, 1000};
  EXPECT_TRUE(VoucherUsable(&v, "v1", "acc-1", 999).ok());
  EXPECT_EQ(VoucherUsable(&v, "v1", "acc-1", 1000).code(),
            errc::kVoucherUnusable);  // expiry exclusive
  EXPECT_EQ(VoucherUsable(&v, "v1", "acc-2", 0).code(), errc::kVoucherUnusable);
  EXPECT_EQ(VoucherUsable(nullptr, "v9", "acc-1", 0).code(), errc::kVoucherUnusable);
  v.expires_at.reset();
  EXPECT_TRUE(VoucherUsable(&v, "v1", "acc-1", 1'000'000'000).ok());
}

}  // namespace
}  // namespace kanjian::billing
