// Small helpers shared by the billing implementation files (not public).
#pragma once

#include <initializer_list>
#include <optional>
#include <string>

#include "billing/billing.h"
#include "common/crypto.h"
#include "common/error_codes.h"
#include "common/ids.h"

namespace kanjian::billing::internal {

inline constexpr char kPlatform[] = "platform";

// Identifies what a money movement asked for, so that a retry (same key,
// same request) returns the first result and a reuse (same key, another
// request) is refused.
inline std::string RequestHash(std::initializer_list<std::string> parts) {
  std::string joined;
  for (const auto& p : parts) joined += p + '\x1f';
  return crypto::Hex(crypto::Sha256(joined));
}

inline std::string KeyOrFresh(const std::string& key) {
  return key.empty() ? "auto:" + ids::NewRequestId() : key;
}

// nullopt: a new request. A txn: the retry's first result. Error: reuse.
inline Result<std::optional<store::LedgerTxn>> FindRetry(store::Txn& txn, const std::string& key,
                                                         const std::string& hash) {
  auto found = txn.FindLedgerTxnByKey(key);
  if (!found.ok()) return found.status();
  if (*found && (*found)->request_hash != hash)
    return Status(errc::kIdempotencyKeyReused,
                  "idempotency key '" + key + "' was already used for a different request");
  return found;
}

// What each source of `account_id` paid (negative legs) in a transaction.
inline Payment PaymentOf(const store::LedgerTxn& t, const std::string& account_id) {
  Payment p;
  for (const auto& leg : t.postings) {
    if (leg.owner != account_id || leg.amount_fen >= 0) continue;
    const Fen paid = -leg.amount_fen;
    if (leg.book == "cash") p.cash += paid;
    else if (leg.book == "income") p.income += paid;
    else if (leg.book == "gift") p.gift += paid;
    else if (leg.book.rfind("voucher:", 0) == 0) p.voucher += paid;
  }
  return p;
}

}  // namespace kanjian::billing::internal
