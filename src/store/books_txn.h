// The books: the double-entry ledger (LedgerTxn records, append-only) and
// the vouchers granted against it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/records.h"

namespace kanjian::store {

class BooksTxn {
 public:
  virtual ~BooksTxn() = default;

  // Ledger. InsertLedgerTxn refuses unbalanced postings (errc::kInternalError)
  // and a duplicate idempotency key (errc::kAlreadyExists).
  virtual Result<std::optional<LedgerTxn>> FindLedgerTxnByKey(std::string_view idempotency_key) = 0;
  virtual Status InsertLedgerTxn(const LedgerTxn& txn) = 0;
  // Sum of postings by book for an owner (AccountId or "platform").
  virtual Result<std::map<std::string, int64_t>> Balances(std::string_view owner) = 0;
  // The owner's transactions, oldest first.
  virtual Result<std::vector<LedgerTxn>> ListLedgerTxns(std::string_view account_id) = 0;
  // Transactions of `kind` for the account with from <= at < to.
  virtual Result<int64_t> CountLedgerTxns(std::string_view account_id, LedgerKind kind,
                                          UnixMicros from, UnixMicros to) = 0;
  // Transactions of one kind over every account, newest first, at most
  // `limit` (the operator console's view).
  virtual Result<std::vector<LedgerTxn>> ListLedgerTxnsOfKind(LedgerKind kind, int64_t limit) = 0;

  // Vouchers.
  virtual Status InsertVoucher(const Voucher& voucher) = 0;
  virtual Result<Voucher> FindVoucher(std::string_view voucher_id) = 0;  // errc::kNotFound
  virtual Result<std::vector<Voucher>> ListVouchers(std::string_view account_id) = 0;
  // Vouchers over every account, newest first, at most `limit`.
  virtual Result<std::vector<Voucher>> ListRecentVouchers(int64_t limit) = 0;
};

}  // namespace kanjian::store
