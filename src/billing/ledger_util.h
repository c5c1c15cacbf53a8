// Small helpers shared by the billing implementation files (not public).
#pragma once

#include <initializer_list>
#include <optional>
#include <string>

#include "billing/billing.h"
#include "common/crypto.h"
#include "common/error_codes.h"

namespace kanjian::billing::internal {

using billing::kPlatform;
using billing::PaymentOf;  // payment_order.h

// Identifies what a money movement asked for, so that a retry (same key,
// same request) returns the first result and a reuse (same key, another
// request) is refused.
inline std::string RequestHash(std::initializer_list<std::string> parts) {
  std::string joined;
  for (const auto& p : parts) joined += p + '\x1f';
  return crypto::Hex(crypto::Sha256(joined));
}

inline std::string KeyOrFresh(const std::string& key, IdSource& ids) {
  return key.empty() ? ids.Next(IdKind::kIdempotencyKey) : key;
}

// nullopt: a new request. A txn: the retry's first result. Error: reuse.
inline Result<std::optional<store::LedgerTxn>> FindRetry(store::Txn& txn, const std::string& key,
                                                         const std::string& hash) {
  ASSIGN_OR_RETURN(auto found, txn.FindLedgerTxnByKey(key));
  if (found && found->request_hash != hash)
    return Status(errc::kIdempotencyKeyReused,
                  "idempotency key '" + key + "' was already used for a different request");
  return found;
}

}  // namespace kanjian::billing::internal
