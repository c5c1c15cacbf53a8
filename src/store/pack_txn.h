// Packs: free, purchased and gift allowances of calls.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "store/records.h"

namespace kanjian::store {

class PackTxn {
 public:
  virtual ~PackTxn() = default;

  virtual Status InsertPack(const Pack& pack) = 0;
  virtual Result<Pack> FindPack(std::string_view pack_id) = 0;  // errc::kNotFound
  // Every pack of the account, ordered by expires_at, created_at, id.
  virtual Result<std::vector<Pack>> ListPacks(std::string_view account_id) = 0;
  // Packs that may still pay for a call at or after `from`: not refunded,
  // not used up, expires_at > from; in no particular order (attribution's
  // candidates: billing/rules/consumption_order.h orders them).
  virtual Result<std::vector<Pack>> ListLivePacks(std::string_view account_id, UnixMicros from) = 0;
  // The account's free pack of `free_group` issued for the month starting
  // at `month_start` (free packs have created_at within that month).
  virtual Result<std::optional<Pack>> FindFreePack(std::string_view account_id,
                                                   std::string_view free_group,
                                                   UnixMicros month_start,
                                                   UnixMicros month_end) = 0;
  virtual Status AddPackUsed(std::string_view pack_id, int64_t delta) = 0;
  virtual Status MarkPackRefunded(std::string_view pack_id, UnixMicros at) = 0;
};

}  // namespace kanjian::store
