// The audit's consistency checks over what the store holds.
#pragma once

#include <string>
#include <vector>

#include "store/records.h"

namespace kanjian::store {

class AuditTxn {
 public:
  virtual ~AuditTxn() = default;

  // Ledger transactions whose postings do not sum to zero.
  virtual Result<std::vector<std::string>> UnbalancedLedgerTxns() = 0;
  // Packs whose `used` differs from the usage records that name them.
  virtual Result<std::vector<std::string>> PacksWithUsageMismatch() = 0;
  // Hourly usage totals that differ from the sums of the per-call log, as
  // "account action source hour <UnixMicros>".
  virtual Result<std::vector<std::string>> UsageTotalsMismatch() = 0;
};

}  // namespace kanjian::store
