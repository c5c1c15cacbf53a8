// SqliteTxn's BooksTxn: the ledger (ledger_txns, ledger_postings;
// append-only) and vouchers.
// Each statement is a named constant beside the function that runs it.
#include "store/sqlite_txn.h"

#include "common/error_codes.h"
#include "store/sqlite_rows.h"

namespace kanjian::store {

namespace {

Voucher ReadVoucher(const Statement& s) {
  return Voucher{s.Text(0), s.Text(1), s.Int(2), s.Int(3), s.OptionalInt(4)};
}

}  // namespace

Result<std::vector<LedgerTxn>> ReadLedgerTxns(Statement& s) {
  std::vector<LedgerTxn> out;
  while (s.Step()) {
    std::string id = s.Text(0);
    if (out.empty() || out.back().id != id) {
      ASSIGN_OR_RETURN(LedgerKind kind,
                       StoredWord(ParseLedgerKind, "ledger_txns.kind", s.TextView(4)));
      out.push_back(
          LedgerTxn{id, s.Text(1), s.Text(2), s.Text(3), kind, s.Int(5), s.Text(6), s.Text(7), {}});
    }
    if (auto amount = s.OptionalInt(10))
      out.back().postings.push_back({s.Text(8), s.Text(9), *amount});
  }
  if (!s.status().ok()) return s.status();
  return out;
}

namespace {
constexpr char kSelectLedgerTxnByKey[] =
    "SELECT t.id,t.idempotency_key,t.request_hash,t.account_id,t.kind,t.at,t.ref,t.reason,"
    "p.owner,p.book,p.amount_fen FROM ledger_txns t "
    "LEFT JOIN ledger_postings p ON p.txn_id=t.id WHERE t.idempotency_key=?1 ORDER BY p.leg";
}  // namespace

Result<std::optional<LedgerTxn>> SqliteTxn::FindLedgerTxnByKey(std::string_view key) {
  auto s = cache_.Get(kSelectLedgerTxnByKey);
  s->Bind(1, key);
  ASSIGN_OR_RETURN(auto txns, ReadLedgerTxns(*s));
  if (txns.empty()) return std::optional<LedgerTxn>();
  return std::optional<LedgerTxn>(std::move(txns.front()));
}

namespace {
constexpr char kInsertLedgerTxn[] =
    "INSERT INTO ledger_txns(id,idempotency_key,request_hash,account_id,kind,at,ref,reason) "
    "VALUES(?1,?2,?3,?4,?5,?6,?7,?8)";
constexpr char kInsertPosting[] =
    "INSERT INTO ledger_postings(txn_id,leg,owner,book,amount_fen) VALUES(?1,?2,?3,?4,?5)";
}  // namespace

Status SqliteTxn::InsertLedgerTxn(const LedgerTxn& t) {
  RETURN_IF_ERROR(CheckBalanced(t));
  {
    auto s = cache_.Get(kInsertLedgerTxn);
    s->Bind(1, t.id).Bind(2, t.idempotency_key).Bind(3, t.request_hash).Bind(4, t.account_id);
    s->Bind(5, ToString(t.kind)).Bind(6, t.at).Bind(7, t.ref).Bind(8, t.reason);
    if (Status st = Run(*s, "ledger txn '" + t.id + "' or idempotency key '" + t.idempotency_key +
                                "' already exists");
        !st.ok())
      return st;
  }
  auto s = cache_.Get(kInsertPosting);
  for (size_t i = 0; i < t.postings.size(); ++i) {
    const Posting& p = t.postings[i];
    s->Bind(1, t.id).Bind(2, static_cast<int64_t>(i)).Bind(3, p.owner).Bind(4, p.book);
    s->Bind(5, p.amount_fen).Step();
    if (!s->status().ok()) return s->status();
    s->Reset();
  }
  return Status::Ok();
}

namespace {
constexpr char kBalances[] =
    "SELECT book, SUM(amount_fen) FROM ledger_postings WHERE owner=?1 GROUP BY book";
}  // namespace

Result<std::map<std::string, int64_t>> SqliteTxn::Balances(std::string_view owner) {
  auto s = cache_.Get(kBalances);
  s->Bind(1, owner);
  std::map<std::string, int64_t> out;
  while (s->Step()) out[s->Text(0)] = s->Int(1);
  if (!s->status().ok()) return s->status();
  return out;
}

namespace {
constexpr char kSelectLedgerTxnsOfAccount[] =
    "SELECT t.id,t.idempotency_key,t.request_hash,t.account_id,t.kind,t.at,t.ref,t.reason,"
    "p.owner,p.book,p.amount_fen FROM ledger_txns t "
    "LEFT JOIN ledger_postings p ON p.txn_id=t.id WHERE t.account_id=?1 "
    "ORDER BY t.at, t.rowid, p.leg";
}  // namespace

Result<std::vector<LedgerTxn>> SqliteTxn::ListLedgerTxns(std::string_view account_id) {
  auto s = cache_.Get(kSelectLedgerTxnsOfAccount);
  s->Bind(1, account_id);
  return ReadLedgerTxns(*s);
}

namespace {
constexpr char kCountLedgerTxns[] =
    "SELECT COUNT(*) FROM ledger_txns WHERE account_id=?1 AND kind=?2 AND at>=?3 AND at<?4";
}  // namespace

Result<int64_t> SqliteTxn::CountLedgerTxns(std::string_view account_id, LedgerKind kind,
                                           UnixMicros from, UnixMicros to) {
  auto s = cache_.Get(kCountLedgerTxns);
  s->Bind(1, account_id).Bind(2, ToString(kind)).Bind(3, from).Bind(4, to);
  if (s->Step()) return s->Int(0);
  if (!s->status().ok()) return s->status();
  return int64_t{0};
}

// ---- Vouchers. ----

namespace {
constexpr char kInsertVoucher[] =
    "INSERT INTO vouchers(id,account_id,amount_fen,granted_at,expires_at) VALUES(?1,?2,?3,?4,?5)";
}  // namespace

Status SqliteTxn::InsertVoucher(const Voucher& v) {
  auto s = cache_.Get(kInsertVoucher);
  s->Bind(1, v.id).Bind(2, v.account_id).Bind(3, v.amount_fen).Bind(4, v.granted_at);
  BindOptional(*s, 5, v.expires_at);
  return Run(*s, "voucher '" + v.id + "' already exists");
}

namespace {
constexpr char kSelectVoucher[] =
    "SELECT id,account_id,amount_fen,granted_at,expires_at FROM vouchers WHERE id=?1";
}  // namespace

Result<Voucher> SqliteTxn::FindVoucher(std::string_view voucher_id) {
  auto s = cache_.Get(kSelectVoucher);
  s->Bind(1, voucher_id);
  return One<Voucher>(*s, ReadVoucher, "voucher", voucher_id);
}

namespace {
constexpr char kSelectVouchers[] =
    "SELECT id,account_id,amount_fen,granted_at,expires_at FROM vouchers WHERE account_id=?1 "
    "ORDER BY granted_at, id";
}  // namespace

Result<std::vector<Voucher>> SqliteTxn::ListVouchers(std::string_view account_id) {
  auto s = cache_.Get(kSelectVouchers);
  s->Bind(1, account_id);
  return Collect<Voucher>(*s, ReadVoucher);
}

// The operator console's views over every account.
namespace {
// The newest `limit` transactions of a kind (ledger_txns_by_kind_time), then their legs.
constexpr char kSelectLedgerTxnsOfKind[] =
    "SELECT t.id,t.idempotency_key,t.request_hash,t.account_id,t.kind,t.at,t.ref,t.reason,"
    "p.owner,p.book,p.amount_fen FROM "
    "(SELECT rowid AS r,* FROM ledger_txns WHERE kind=?1 ORDER BY at DESC, rowid DESC LIMIT ?2) t "
    "LEFT JOIN ledger_postings p ON p.txn_id=t.id ORDER BY t.at DESC, t.r DESC, p.leg";
constexpr char kSelectRecentVouchers[] =
    "SELECT id,account_id,amount_fen,granted_at,expires_at FROM vouchers "
    "ORDER BY granted_at DESC, id DESC LIMIT ?1";
}  // namespace

Result<std::vector<LedgerTxn>> SqliteTxn::ListLedgerTxnsOfKind(LedgerKind kind, int64_t limit) {
  auto s = cache_.Get(kSelectLedgerTxnsOfKind);
  s->Bind(1, ToString(kind)).Bind(2, limit);
  return ReadLedgerTxns(*s);
}

Result<std::vector<Voucher>> SqliteTxn::ListRecentVouchers(int64_t limit) {
  auto s = cache_.Get(kSelectRecentVouchers);
  s->Bind(1, limit);
  return Collect<Voucher>(*s, ReadVoucher);
}

}  // namespace kanjian::store
