// The operator log: what was done in the operator console, append-only.
#pragma once

#include <vector>

#include "store/records.h"

namespace kanjian::store {

class OperatorLogTxn {
 public:
  virtual ~OperatorLogTxn() = default;

  virtual Status InsertOperatorAction(const OperatorAction& action) = 0;
  // Newest first, at most `limit`.
  virtual Result<std::vector<OperatorAction>> ListOperatorActions(int64_t limit) = 0;
};

}  // namespace kanjian::store
