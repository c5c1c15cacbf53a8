// PgTxn's BooksTxn: the double-entry ledger and vouchers on PostgreSQL. Append-only: the
// schema's triggers refuse UPDATE, DELETE and TRUNCATE.
#include "common/error_codes.h"
#include "store/pg/pg_txn.h"

namespace kanjian::store::pg {
namespace {

constexpr char kInsertLedgerTxn[] =
    "INSERT INTO ledger_txns(id,idempotency_key,request_hash,account_id,kind,at,ref,reason) "
    "VALUES($1,$2,$3,$4,$5,$6,$7,$8)";
// All legs in one statement.
constexpr char kInsertPostings[] =
    "INSERT INTO ledger_postings(txn_id,leg,owner,book,amount_fen) "
    "SELECT $1, leg - 1, owner, book, amount FROM "
    "unnest($2::text[],$3::text[],$4::bigint[]) WITH ORDINALITY AS l(owner,book,amount,leg)";
#define KANJIAN_TXN_SELECT                                                                \
  "SELECT t.id,t.idempotency_key,t.request_hash,t.account_id,t.kind,t.at,t.ref,t.reason," \
  "p.owner,p.book,p.amount_fen FROM ledger_txns t LEFT JOIN ledger_postings p ON p.txn_id=t.id "
constexpr char kSelectLedgerTxnByKey[] =
    KANJIAN_TXN_SELECT "WHERE t.idempotency_key=$1 ORDER BY p.leg";
// seq (schema step 2) keeps same-instant transactions in insertion order.
constexpr char kSelectLedgerTxnsOfAccount[] =
    KANJIAN_TXN_SELECT "WHERE t.account_id=$1 ORDER BY t.at, t.seq, p.leg";
#undef KANJIAN_TXN_SELECT
constexpr char kBalances[] =
    "SELECT book, sum(amount_fen)::bigint FROM ledger_postings WHERE owner=$1 GROUP BY book";
constexpr char kCountLedgerTxns[] =
    "SELECT count(*) FROM ledger_txns WHERE account_id=$1 AND kind=$2 AND at>=$3 AND at<$4";

constexpr char kInsertVoucher[] =
    "INSERT INTO vouchers(id,account_id,amount_fen,granted_at,expires_at) VALUES($1,$2,$3,$4,$5)";
constexpr char kSelectVoucher[] =
    "SELECT id,account_id,amount_fen,granted_at,expires_at FROM vouchers WHERE id=$1";
constexpr char kSelectVouchers[] =
    "SELECT id,account_id,amount_fen,granted_at,expires_at FROM vouchers WHERE account_id=$1 "
    "ORDER BY granted_at, id";

// The newest `limit` transactions of a kind (ledger_txns_by_kind_time; seq
// orders same-instant ones as inserted), then their legs.
constexpr char kSelectLedgerTxnsOfKind[] =
    "SELECT t.id,t.idempotency_key,t.request_hash,t.account_id,t.kind,t.at,t.ref,t.reason,"
    "p.owner,p.book,p.amount_fen FROM "
    "(SELECT * FROM ledger_txns WHERE kind=$1 ORDER BY at DESC, seq DESC LIMIT $2) t "
    "LEFT JOIN ledger_postings p ON p.txn_id=t.id ORDER BY t.at DESC, t.seq DESC, p.leg";
constexpr char kSelectRecentVouchers[] =
    "SELECT id,account_id,amount_fen,granted_at,expires_at FROM vouchers "
    "ORDER BY granted_at DESC, id DESC LIMIT $1";

Voucher ReadVoucher(const PgResult& r, int i) {
  return Voucher{r.Text(i, 0), r.Text(i, 1), r.Int(i, 2), r.Int(i, 3), r.OptionalInt(i, 4)};
}

}  // namespace

Result<std::vector<LedgerTxn>> ReadLedgerTxns(const PgResult& r) {
  std::vector<LedgerTxn> out;
  for (int i = 0; i < r.rows(); ++i) {
    std::string id = r.Text(i, 0);
    if (out.empty() || out.back().id != id) {
      ASSIGN_OR_RETURN(LedgerKind kind,
                       StoredWord(ParseLedgerKind, "ledger_txns.kind", r.Text(i, 4)));
      out.push_back(LedgerTxn{id,
                              r.Text(i, 1),
                              r.Text(i, 2),
                              r.Text(i, 3),
                              kind,
                              r.Int(i, 5),
                              r.Text(i, 6),
                              r.Text(i, 7),
                              {}});
    }
    if (auto amount = r.OptionalInt(i, 10))
      out.back().postings.push_back({r.Text(i, 8), r.Text(i, 9), *amount});
  }
  return out;
}

Result<std::optional<LedgerTxn>> PgTxn::FindLedgerTxnByKey(std::string_view key) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectLedgerTxnByKey, {P(key)}));
  ASSIGN_OR_RETURN(auto txns, ReadLedgerTxns(r));
  if (txns.empty()) return std::optional<LedgerTxn>();
  return std::optional<LedgerTxn>(std::move(txns.front()));
}

Status PgTxn::InsertLedgerTxn(const LedgerTxn& t) {
  RETURN_IF_ERROR(CheckBalanced(t));
  auto r =
      Exec(kInsertLedgerTxn, {P(t.id), P(t.idempotency_key), P(t.request_hash), P(t.account_id),
                              P(ToString(t.kind)), P(t.at), P(t.ref), P(t.reason)});
  if (!r.ok())
    return UniqueAs(
        db_, r.status(),
        "ledger txn '" + t.id + "' or idempotency key '" + t.idempotency_key + "' already exists");
  if (t.postings.empty()) return Status::Ok();
  std::vector<std::string> owners, books, amounts;
  for (const Posting& p : t.postings) {
    owners.push_back(p.owner);
    books.push_back(p.book);
    amounts.push_back(std::to_string(p.amount_fen));
  }
  auto legs = Exec(kInsertPostings,
                   {P(t.id), P(TextArray(owners)), P(TextArray(books)), P(TextArray(amounts))});
  return legs.ok() ? Status::Ok() : legs.status();
}

Result<std::map<std::string, int64_t>> PgTxn::Balances(std::string_view owner) {
  ASSIGN_OR_RETURN(auto r, Exec(kBalances, {P(owner)}));
  std::map<std::string, int64_t> out;
  for (int i = 0; i < r.rows(); ++i) out[r.Text(i, 0)] = r.Int(i, 1);
  return out;
}

Result<std::vector<LedgerTxn>> PgTxn::ListLedgerTxns(std::string_view account_id) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectLedgerTxnsOfAccount, {P(account_id)}));
  return ReadLedgerTxns(r);
}

Result<int64_t> PgTxn::CountLedgerTxns(std::string_view account_id, LedgerKind kind,
                                       UnixMicros from, UnixMicros to) {
  ASSIGN_OR_RETURN(auto r,
                   Exec(kCountLedgerTxns, {P(account_id), P(ToString(kind)), P(from), P(to)}));
  return r.Int(0, 0);
}

Status PgTxn::InsertVoucher(const Voucher& v) {
  auto r = Exec(kInsertVoucher,
                {P(v.id), P(v.account_id), P(v.amount_fen), P(v.granted_at), P(v.expires_at)});
  if (!r.ok()) return UniqueAs(db_, r.status(), "voucher '" + v.id + "' already exists");
  return Status::Ok();
}

Result<Voucher> PgTxn::FindVoucher(std::string_view voucher_id) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectVoucher, {P(voucher_id)}));
  if (r.rows() == 0) return NotFound("voucher", voucher_id);
  return ReadVoucher(r, 0);
}

Result<std::vector<Voucher>> PgTxn::ListVouchers(std::string_view account_id) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectVouchers, {P(account_id)}));
  return r.Rows(ReadVoucher);
}

Result<std::vector<LedgerTxn>> PgTxn::ListLedgerTxnsOfKind(LedgerKind kind, int64_t limit) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectLedgerTxnsOfKind, {P(ToString(kind)), P(limit)}));
  return ReadLedgerTxns(r);
}

Result<std::vector<Voucher>> PgTxn::ListRecentVouchers(int64_t limit) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectRecentVouchers, {P(limit)}));
  return r.Rows(ReadVoucher);
}

}  // namespace kanjian::store::pg
