// The usage log: billed calls, per record and summed by hour.
#pragma once

#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "store/records.h"

namespace kanjian::store {

class UsageTxn {
 public:
  virtual ~UsageTxn() = default;

  // Inserting a request_id that exists is a no-op (OK).
  virtual Status InsertUsage(std::span<const UsageRecord> records) = 0;
  // Records one billed call: its records (one per source it drew on), the
  // first carrying the call's request_id. If that request_id is already
  // recorded (a retry), records nothing and returns false.
  virtual Result<bool> InsertCall(std::span<const UsageRecord> records) = 0;
  // Records of an account with from <= at < to, oldest first.
  virtual Result<std::vector<UsageRecord>> ListUsage(std::string_view account_id, UnixMicros from,
                                                     UnixMicros to) = 0;
  // Sums by (account, action, source) over from <= at < to; account_id ""
  // means every account. Ordered by account, action, source. `from` and `to`
  // must be whole hours (HourOf(x) == x), else errc::kInternalError.
  virtual Result<std::vector<UsageSum>> SumUsage(std::string_view account_id, UnixMicros from,
                                                 UnixMicros to) = 0;

  // Streams the hourly totals with from <= hour < to, every account, in no
  // particular order (a bill run's one pass over the month). Whole hours.
  using UsageTotalFn = std::function<void(std::string_view account_id, std::string_view action,
                                          UsageSource source, int64_t quantity)>;
  virtual Status ScanUsageTotals(UnixMicros from, UnixMicros to, const UsageTotalFn& fn) = 0;

  // Up to `limit` usage records of the account and action with from <= at <
  // to, ordered by (at, request_id), strictly after (after_at, after_id)
  // when after_id is not empty: one page of the tenant console's drill-down.
  virtual Result<std::vector<UsageRecord>> ListUsagePage(std::string_view account_id,
                                                         std::string_view action, UnixMicros from,
                                                         UnixMicros to, UnixMicros after_at,
                                                         std::string_view after_id,
                                                         int64_t limit) = 0;
};

}  // namespace kanjian::store
