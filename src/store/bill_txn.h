// Bills: one per (account, month), stored when the month is settled.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/records.h"

namespace kanjian::store {

class BillTxn {
 public:
  virtual ~BillTxn() = default;

  virtual Result<std::optional<Bill>> FindBill(std::string_view account_id,
                                               std::string_view month) = 0;
  virtual Status InsertBill(const Bill& bill) = 0;  // errc::kAlreadyExists for a second one
  // AccountIds in [first, last] that already have a bill for `month` (one
  // query per chunk of a bill run), ordered.
  virtual Result<std::vector<std::string>> BilledAccounts(std::string_view month,
                                                          std::string_view first,
                                                          std::string_view last) = 0;
  // The latest bill of the account, if any.
  virtual Result<std::optional<Bill>> LatestBill(std::string_view account_id) = 0;
  // Settled months over every account, newest first, at most `limit`.
  virtual Result<std::vector<BillMonth>> ListBillMonths(int64_t limit) = 0;
};

}  // namespace kanjian::store
