// Notices sent to accounts (low balance, catalog changes, ...).
#pragma once

#include <string_view>
#include <vector>

#include "store/records.h"

namespace kanjian::store {

class NoticeTxn {
 public:
  virtual ~NoticeTxn() = default;

  virtual Status InsertNotice(const Notice& notice) = 0;
  virtual Result<std::vector<Notice>> ListNotices(std::string_view account_id) = 0;
  // Notices of one kind over every account grouped by sending, newest
  // first, at most `limit`.
  virtual Result<std::vector<NoticeBatch>> ListNoticeBatches(std::string_view kind,
                                                             int64_t limit) = 0;
};

}  // namespace kanjian::store
