#include "store/sqlite_txn.h"

#include <map>

#include <nlohmann/json.hpp>

#include "common/error_codes.h"

namespace kanjian::store {

StatementCache::Lease StatementCache::Get(const char* sql) {
  auto& slot = statements_[sql];
  if (!slot) slot = std::make_unique<Statement>(db_, sql);
  return Lease(slot.get());
}

namespace {

// ---- SQL, one named constant per statement. ----

constexpr char kInsertAccount[] =
    "INSERT INTO accounts(id,name,status,created_at,activated_at,disabled_reason) "
    "VALUES(?1,?2,?3,?4,?5,?6)";
constexpr char kSelectAccount[] =
    "SELECT id,name,status,created_at,activated_at,disabled_reason FROM accounts WHERE id=?1 "
    "UNION ALL SELECT id,name,status,created_at,activated_at,disabled_reason FROM accounts "
    "WHERE name=?1 AND id<>?1 LIMIT 1";
constexpr char kUpdateAccount[] =
    "UPDATE accounts SET name=?2,status=?3,activated_at=?4,disabled_reason=?5 WHERE id=?1";
constexpr char kSelectAccounts[] =
    "SELECT id,name,status,created_at,activated_at,disabled_reason FROM accounts ORDER BY id";
constexpr char kInsertKey[] =
    "INSERT INTO api_keys(secret_id,account_id,sealed_secret,enabled,created_at) "
    "VALUES(?1,?2,?3,?4,?5)";
constexpr char kSelectKey[] =
    "SELECT secret_id,account_id,sealed_secret,enabled,created_at FROM api_keys "
    "WHERE secret_id=?1";
constexpr char kSelectKeys[] =
    "SELECT secret_id,account_id,sealed_secret,enabled,created_at FROM api_keys "
    "WHERE account_id=?1 ORDER BY created_at, secret_id";
constexpr char kSelectOldestKey[] =
    "SELECT secret_id,account_id,sealed_secret,enabled,created_at FROM api_keys "
    "ORDER BY created_at, secret_id LIMIT 1";
constexpr char kSetKeyEnabled[] = "UPDATE api_keys SET enabled=?2 WHERE secret_id=?1";

// ON CONFLICT(request_id) rather than INSERT OR IGNORE: OR IGNORE would also
// silently drop rows that fail a CHECK.
constexpr char kInsertUsage[] =
    "INSERT INTO usage_records(request_id,account_id,action,at,quantity,source,pack_id) "
    "VALUES(?1,?2,?3,?4,?5,?6,?7) ON CONFLICT(request_id) DO NOTHING";
// ListUsage walks the log's (at) index and filters by account: an operator
// lists a time range; billing never reads the log.
constexpr char kSelectUsage[] =
    "SELECT request_id,account_id,action,at,quantity,source,pack_id FROM usage_records "
    "WHERE at>=?2 AND at<?3 AND account_id=?1 ORDER BY at, request_id";
constexpr char kUpsertUsageHourly[] =
    "INSERT INTO usage_hourly(hour,account_id,action,source,quantity) VALUES(?1,?2,?3,?4,?5) "
    "ON CONFLICT(hour,account_id,action,source) DO UPDATE SET quantity=quantity+excluded.quantity";
// SumUsage reads hourly totals and sums them in code (SQLite's GROUP BY would
// sort the range first).
constexpr char kScanHourlyOfAccount[] =
    "SELECT account_id,action,source,quantity FROM usage_hourly "
    "WHERE account_id=?1 AND hour>=?2 AND hour<?3";
constexpr char kScanHourlyOfAll[] =
    "SELECT account_id,action,source,quantity FROM usage_hourly WHERE hour>=?1 AND hour<?2";

#define KANJIAN_PACK_COLUMNS                                                          \
  "id,account_id,kind,actions,free_group,calls,used,created_at,expires_at,refunded_at," \
  "price_fen,promotion,refundable,purchase_txn"
constexpr char kInsertPack[] =
    "INSERT INTO packs(" KANJIAN_PACK_COLUMNS ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)";
constexpr char kSelectPack[] = "SELECT " KANJIAN_PACK_COLUMNS " FROM packs WHERE id=?1";
constexpr char kSelectPacks[] = "SELECT " KANJIAN_PACK_COLUMNS
                                " FROM packs WHERE account_id=?1 "
                                "ORDER BY expires_at, created_at, id";
constexpr char kSelectLivePacks[] = "SELECT " KANJIAN_PACK_COLUMNS
                                    " FROM packs WHERE account_id=?1 AND expires_at>?2 "
                                    "AND refunded_at IS NULL AND used<calls "
                                    "ORDER BY expires_at, created_at, id";
// Changes when another connection commits (not when this one does).
constexpr char kDataVersion[] = "PRAGMA data_version";
constexpr char kSelectUsablePacks[] =
    "SELECT " KANJIAN_PACK_COLUMNS
    " FROM packs WHERE account_id=?1 AND expires_at>?3 AND created_at<=?3 "
    "AND refunded_at IS NULL AND used<calls "
    "AND EXISTS (SELECT 1 FROM json_each(packs.actions) WHERE value=?2) "
    "ORDER BY expires_at, created_at, id";
constexpr char kSelectFreePack[] =
    "SELECT " KANJIAN_PACK_COLUMNS
    " FROM packs WHERE account_id=?1 AND kind='free' AND free_group=?2 "
    "AND created_at>=?3 AND created_at<?4 ORDER BY created_at, id LIMIT 1";
#undef KANJIAN_PACK_COLUMNS
constexpr char kAddPackUsed[] = "UPDATE packs SET used=used+?2 WHERE id=?1";
constexpr char kMarkPackRefunded[] =
    "UPDATE packs SET refunded_at=?2 WHERE id=?1 AND refunded_at IS NULL";
constexpr char kPackExists[] = "SELECT 1 FROM packs WHERE id=?1";

constexpr char kInsertLedgerTxn[] =
    "INSERT INTO ledger_txns(id,idempotency_key,request_hash,account_id,kind,at,ref,reason) "
    "VALUES(?1,?2,?3,?4,?5,?6,?7,?8)";
constexpr char kInsertPosting[] =
    "INSERT INTO ledger_postings(txn_id,leg,owner,book,amount_fen) VALUES(?1,?2,?3,?4,?5)";
constexpr char kSelectLedgerTxnByKey[] =
    "SELECT t.id,t.idempotency_key,t.request_hash,t.account_id,t.kind,t.at,t.ref,t.reason,"
    "p.owner,p.book,p.amount_fen FROM ledger_txns t "
    "LEFT JOIN ledger_postings p ON p.txn_id=t.id WHERE t.idempotency_key=?1 ORDER BY p.leg";
constexpr char kSelectLedgerTxnsOfAccount[] =
    "SELECT t.id,t.idempotency_key,t.request_hash,t.account_id,t.kind,t.at,t.ref,t.reason,"
    "p.owner,p.book,p.amount_fen FROM ledger_txns t "
    "LEFT JOIN ledger_postings p ON p.txn_id=t.id WHERE t.account_id=?1 "
    "ORDER BY t.at, t.rowid, p.leg";
constexpr char kBalances[] =
    "SELECT book, SUM(amount_fen) FROM ledger_postings WHERE owner=?1 GROUP BY book";
constexpr char kCountLedgerTxns[] =
    "SELECT COUNT(*) FROM ledger_txns WHERE account_id=?1 AND kind=?2 AND at>=?3 AND at<?4";

constexpr char kInsertVoucher[] =
    "INSERT INTO vouchers(id,account_id,amount_fen,granted_at,expires_at) VALUES(?1,?2,?3,?4,?5)";
constexpr char kSelectVoucher[] =
    "SELECT id,account_id,amount_fen,granted_at,expires_at FROM vouchers WHERE id=?1";
constexpr char kSelectVouchers[] =
    "SELECT id,account_id,amount_fen,granted_at,expires_at FROM vouchers WHERE account_id=?1 "
    "ORDER BY granted_at, id";

constexpr char kInsertBill[] =
    "INSERT INTO bills(id,account_id,month,created_at,total_fen,status) VALUES(?1,?2,?3,?4,?5,?6)";
constexpr char kInsertBillLine[] =
    "INSERT INTO bill_lines(bill_id,line,action,quantity,tier,unit_price_e4,amount_fen) "
    "VALUES(?1,?2,?3,?4,?5,?6,?7)";
// A range of the UNIQUE (account_id, month) index.
constexpr char kSelectBilledAccounts[] =
    "SELECT account_id FROM bills WHERE account_id>=?2 AND account_id<=?3 AND month=?1 "
    "ORDER BY account_id";
constexpr char kSelectBill[] =
    "SELECT id,account_id,month,created_at,total_fen,status FROM bills "
    "WHERE account_id=?1 AND month=?2";
// "Latest" is the latest month billed ("YYYY-MM" sorts as text).
constexpr char kSelectLatestBill[] =
    "SELECT id,account_id,month,created_at,total_fen,status FROM bills "
    "WHERE account_id=?1 ORDER BY month DESC LIMIT 1";
constexpr char kSelectBillLines[] =
    "SELECT action,quantity,tier,unit_price_e4,amount_fen FROM bill_lines WHERE bill_id=?1 "
    "ORDER BY line";

constexpr char kSelectCatalogVersions[] =
    "SELECT seq,version,effective_from,published_at,body FROM catalog_versions ORDER BY seq";
constexpr char kInsertCatalogVersion[] =
    "INSERT INTO catalog_versions(version,effective_from,published_at,body) VALUES(?1,?2,?3,?4)";

constexpr char kInsertNotice[] =
    "INSERT INTO notices(id,account_id,at,kind,message) VALUES(?1,?2,?3,?4,?5)";
constexpr char kSelectNotices[] =
    "SELECT id,account_id,at,kind,message FROM notices WHERE account_id=?1 ORDER BY at, id";

constexpr char kUnbalancedLedgerTxns[] =
    "SELECT txn_id FROM ledger_postings GROUP BY txn_id HAVING SUM(amount_fen)<>0 "
    "ORDER BY txn_id";
// (hour, account, action, source) totals that differ from the log's sums, in
// either direction.
constexpr char kUsageTotalsMismatch[] =
    "WITH l AS (SELECT (at / 3600000000 - (at % 3600000000 < 0)) * 3600000000 AS hour, account_id,"
    " action, source, SUM(quantity) AS q FROM usage_records GROUP BY 1, 2, 3, 4), "
    "d AS (SELECT hour, account_id, action, source, q FROM l EXCEPT "
    "SELECT hour, account_id, action, source, quantity FROM usage_hourly UNION "
    "SELECT hour, account_id, action, source, quantity FROM usage_hourly EXCEPT "
    "SELECT hour, account_id, action, source, q FROM l) "
    "SELECT DISTINCT account_id || ' ' || action || ' ' || source || ' hour ' || hour FROM d ORDER BY 1";
// Packs whose `used` differs from their usage records, and pack ids named by
// usage records that match no pack.
constexpr char kPacksWithUsageMismatch[] =
    "WITH u AS (SELECT pack_id, SUM(quantity) AS q FROM usage_records WHERE pack_id<>'' "
    "GROUP BY pack_id) "
    "SELECT p.id FROM packs p LEFT JOIN u ON u.pack_id=p.id WHERE p.used<>IFNULL(u.q,0) "
    "UNION SELECT u.pack_id FROM u WHERE u.pack_id NOT IN (SELECT id FROM packs) ORDER BY 1";

// ---- Helpers. ----

bool IsUniqueViolation(const Statement& s) {
  int x = s.extended_result_code();
  return x == SQLITE_CONSTRAINT_UNIQUE || x == SQLITE_CONSTRAINT_PRIMARYKEY;
}

// Steps a statement that returns no rows; a uniqueness violation becomes
// errc::kAlreadyExists with `exists_message`.
Status Run(Statement& s, std::string_view exists_message) {
  s.Step();
  if (s.status().ok()) return Status::Ok();
  if (IsUniqueViolation(s)) return Status(errc::kAlreadyExists, exists_message);
  return s.status();
}

Status NotFound(std::string_view what, std::string_view id) {
  return Status(errc::kNotFound, "no " + std::string(what) + " '" + std::string(id) + "'");
}

void BindOptional(Statement& s, int index, const std::optional<int64_t>& v) {
  if (v) {
    s.Bind(index, *v);
  } else {
    s.BindNull(index);
  }
}

template <typename T, typename Read>
Result<std::vector<T>> Collect(Statement& s, Read read) {
  std::vector<T> out;
  while (s.Step()) out.push_back(read(s));
  if (!s.status().ok()) return s.status();
  return out;
}

// The first row, kNotFound when there is none.
template <typename T, typename Read>
Result<T> One(Statement& s, Read read, std::string_view what, std::string_view id) {
  if (s.Step()) return read(s);
  if (!s.status().ok()) return s.status();
  return NotFound(what, id);
}

AccountStatus ParseAccountStatus(const std::string& s) {
  if (s == "active") return AccountStatus::kActive;
  if (s == "disabled") return AccountStatus::kDisabled;
  return AccountStatus::kInactive;
}

Account ReadAccount(const Statement& s) {
  return Account{s.Text(0), s.Text(1), ParseAccountStatus(s.Text(2)), s.Int(3), s.OptionalInt(4),
                 s.Text(5)};
}

ApiKey ReadKey(const Statement& s) {
  return ApiKey{s.Text(0), s.Text(1), s.Text(2), s.Int(3) != 0, s.Int(4)};
}

UsageRecord ReadUsage(const Statement& s) {
  return UsageRecord{s.Text(0), s.Text(1), s.Text(2), s.Int(3), s.Int(4), s.Text(5), s.Text(6)};
}

std::string EncodeActions(const std::vector<std::string>& actions) {
  return nlohmann::json(actions).dump();
}

std::vector<std::string> DecodeActions(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& v : j)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

Pack ReadPack(const Statement& s) {
  Pack p;
  p.id = s.Text(0);
  p.account_id = s.Text(1);
  p.kind = s.Text(2);
  p.actions = DecodeActions(s.Text(3));
  p.free_group = s.Text(4);
  p.calls = s.Int(5);
  p.used = s.Int(6);
  p.created_at = s.Int(7);
  p.expires_at = s.Int(8);
  p.refunded_at = s.OptionalInt(9);
  p.price_fen = s.Int(10);
  p.promotion = s.Text(11);
  p.refundable = s.Int(12) != 0;
  p.purchase_txn = s.Text(13);
  return p;
}

Voucher ReadVoucher(const Statement& s) {
  return Voucher{s.Text(0), s.Text(1), s.Int(2), s.Int(3), s.OptionalInt(4)};
}

// Rows of (txn columns 0-7, posting columns 8-10), grouped by txn in order;
// a txn without postings has NULL posting columns.
Result<std::vector<LedgerTxn>> ReadLedgerTxns(Statement& s) {
  std::vector<LedgerTxn> out;
  while (s.Step()) {
    std::string id = s.Text(0);
    if (out.empty() || out.back().id != id) {
      out.push_back(LedgerTxn{id, s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Int(5), s.Text(6),
                              s.Text(7), {}});
    }
    if (auto amount = s.OptionalInt(10)) out.back().postings.push_back({s.Text(8), s.Text(9), *amount});
  }
  if (!s.status().ok()) return s.status();
  return out;
}

}  // namespace

// ---- Accounts and keys. ----

Status SqliteTxn::InsertAccount(const Account& a) {
  auto s = cache_.Get(kInsertAccount);
  s->Bind(1, a.id).Bind(2, a.name).Bind(3, ToString(a.status)).Bind(4, a.created_at);
  BindOptional(*s, 5, a.activated_at);
  s->Bind(6, a.disabled_reason);
  return Run(*s, "an account named '" + a.name + "' or with id '" + a.id + "' already exists");
}

Result<Account> SqliteTxn::FindAccount(std::string_view id_or_name) {
  auto s = cache_.Get(kSelectAccount);
  s->Bind(1, id_or_name);
  return One<Account>(*s, ReadAccount, "account", id_or_name);
}

Status SqliteTxn::UpdateAccount(const Account& a) {
  auto s = cache_.Get(kUpdateAccount);
  s->Bind(1, a.id).Bind(2, a.name).Bind(3, ToString(a.status));
  BindOptional(*s, 4, a.activated_at);
  s->Bind(5, a.disabled_reason);
  if (Status st = Run(*s, "an account named '" + a.name + "' already exists"); !st.ok()) return st;
  if (sqlite3_changes(cache_.db()) == 0) return NotFound("account", a.id);
  return Status::Ok();
}

Result<std::vector<Account>> SqliteTxn::ListAccounts() {
  auto s = cache_.Get(kSelectAccounts);
  return Collect<Account>(*s, ReadAccount);
}

Status SqliteTxn::InsertKey(const ApiKey& k) {
  auto s = cache_.Get(kInsertKey);
  s->Bind(1, k.secret_id).Bind(2, k.account_id).BindBlob(3, k.sealed_secret);
  s->Bind(4, int64_t{k.enabled ? 1 : 0}).Bind(5, k.created_at);
  return Run(*s, "key '" + k.secret_id + "' already exists");
}

Result<ApiKey> SqliteTxn::FindKey(std::string_view secret_id) {
  auto s = cache_.Get(kSelectKey);
  s->Bind(1, secret_id);
  return One<ApiKey>(*s, ReadKey, "key", secret_id);
}

Result<std::vector<ApiKey>> SqliteTxn::ListKeys(std::string_view account_id) {
  auto s = cache_.Get(kSelectKeys);
  s->Bind(1, account_id);
  return Collect<ApiKey>(*s, ReadKey);
}

Result<std::optional<ApiKey>> SqliteTxn::OldestKey() {
  auto s = cache_.Get(kSelectOldestKey);
  if (s->Step()) return std::optional<ApiKey>(ReadKey(*s));
  if (!s->status().ok()) return s->status();
  return std::optional<ApiKey>();
}

Status SqliteTxn::SetKeyEnabled(std::string_view secret_id, bool enabled) {
  auto s = cache_.Get(kSetKeyEnabled);
  s->Bind(1, secret_id).Bind(2, int64_t{enabled ? 1 : 0}).Step();
  if (!s->status().ok()) return s->status();
  if (sqlite3_changes(cache_.db()) == 0) return NotFound("key", secret_id);
  return Status::Ok();
}

// ---- Usage. ----

namespace {

// What the schema's CHECK constraints said before step 3 moved them here.
Status CheckUsage(const UsageRecord& r) {
  auto bad = [&](const char* why) {
    return Status(errc::kInternalError, "usage record '" + r.request_id + "': " + why);
  };
  if (r.quantity <= 0) return bad("quantity must be positive");
  if (r.source != "free" && r.source != "pack" && r.source != "postpaid")
    return bad("source must be free, pack or postpaid");
  if ((r.source == "postpaid") != r.pack_id.empty())
    return bad("a pack is named exactly when the source is free or pack");
  return Status::Ok();
}

}  // namespace

// Hot path. A new record goes into the log and its quantity into the
// transaction's pending hourly totals; one already logged adds nothing.
Result<bool> SqliteTxn::LogUsage(const UsageRecord& r) {
  if (Status bad = CheckUsage(r); !bad.ok()) return bad;
  auto s = cache_.Get(kInsertUsage);
  s->Bind(1, r.request_id).Bind(2, r.account_id).Bind(3, r.action).Bind(4, r.at);
  s->Bind(5, r.quantity).Bind(6, r.source).Bind(7, r.pack_id).Step();
  if (!s->status().ok())
    return Status(errc::kInternalError, "usage record '" + r.request_id + "': " + s->status().message());
  if (sqlite3_changes(cache_.db()) == 0) return false;
  struct View {
    UnixMicros hour;
    std::string_view account_id, action, source;
  } key{HourOf(r.at), r.account_id, r.action, r.source};
  auto it = pending_totals_.find(key);
  if (it == pending_totals_.end())
    it = pending_totals_.emplace(HourKey{key.hour, r.account_id, r.action, r.source}, 0).first;
  it->second += r.quantity;
  return true;
}

Status SqliteTxn::InsertUsage(std::span<const UsageRecord> records) {
  for (const UsageRecord& r : records) {
    if (auto logged = LogUsage(r); !logged.ok()) return logged.status();
  }
  return Status::Ok();
}

Result<bool> SqliteTxn::InsertCall(std::span<const UsageRecord> records) {
  if (records.empty()) return Status(errc::kInternalError, "a call has at least one usage record");
  auto first = LogUsage(records[0]);
  if (!first.ok() || !*first) return first;
  for (const UsageRecord& r : records.subspan(1)) {
    auto logged = LogUsage(r);
    if (!logged.ok()) return logged.status();
    if (!*logged) return Status(errc::kInternalError, "usage record '" + r.request_id + "' exists without its call");
  }
  return true;
}

Status SqliteTxn::FlushUsageTotals() {
  auto s = cache_.Get(kUpsertUsageHourly);
  for (const auto& [k, quantity] : pending_totals_) {
    s->Bind(1, k.hour).Bind(2, k.account_id).Bind(3, k.action).Bind(4, k.source).Bind(5, quantity).Step();
    if (!s->status().ok()) return s->status();
    s->Reset();
  }
  pending_totals_.clear();
  return Status::Ok();
}

Result<std::vector<UsageRecord>> SqliteTxn::ListUsage(std::string_view account_id,
                                                      UnixMicros from, UnixMicros to) {
  auto s = cache_.Get(kSelectUsage);
  s->Bind(1, account_id).Bind(2, from).Bind(3, to);
  return Collect<UsageRecord>(*s, ReadUsage);
}

Result<std::vector<UsageSum>> SqliteTxn::SumUsage(std::string_view account_id, UnixMicros from,
                                                  UnixMicros to) {
  if (HourOf(from) != from || HourOf(to) != to)
    return Status(errc::kInternalError, "SumUsage reads whole hours (hourly totals)");
  if (Status s = FlushUsageTotals(); !s.ok()) return s;
  // Two statements, not "?1='' OR account_id=?1", so that the one-account
  // query is a range of the (account_id, hour) index.
  auto s = cache_.Get(account_id.empty() ? kScanHourlyOfAll : kScanHourlyOfAccount);
  if (account_id.empty()) {
    s->Bind(1, from).Bind(2, to);
  } else {
    s->Bind(1, account_id).Bind(2, from).Bind(3, to);
  }
  // Summed per account (in order), then per "action\0source" within it.
  std::map<std::string, std::map<std::string, int64_t>, std::less<>> sums;
  std::string key;
  while (s->Step()) {
    auto account = sums.find(s->TextView(0));
    if (account == sums.end()) account = sums.emplace(s->Text(0), std::map<std::string, int64_t>{}).first;
    key.assign(s->TextView(1)).append(1, '\0').append(s->TextView(2));
    int64_t& sum = account->second[key];
    if (__builtin_add_overflow(sum, s->Int(3), &sum))
      return Status(errc::kInternalError, "usage sum overflows");
  }
  if (!s->status().ok()) return s->status();
  std::vector<UsageSum> out;
  for (const auto& [account, by_key] : sums) {
    for (const auto& [k, quantity] : by_key) {
      const size_t a = k.find('\0');
      out.push_back({account, k.substr(0, a), k.substr(a + 1), quantity});
    }
  }
  return out;
}

Status SqliteTxn::ScanUsageTotals(UnixMicros from, UnixMicros to, const UsageTotalFn& fn) {
  if (HourOf(from) != from || HourOf(to) != to)
    return Status(errc::kInternalError, "ScanUsageTotals reads whole hours (hourly totals)");
  if (Status s = FlushUsageTotals(); !s.ok()) return s;
  auto s = cache_.Get(kScanHourlyOfAll);
  s->Bind(1, from).Bind(2, to);
  while (s->Step()) fn(s->TextView(0), s->TextView(1), s->TextView(2), s->Int(3));
  return s->status();
}

// ---- Packs. ----

Status SqliteTxn::InsertPack(const Pack& p) {
  auto s = cache_.Get(kInsertPack);
  s->Bind(1, p.id).Bind(2, p.account_id).Bind(3, p.kind).Bind(4, EncodeActions(p.actions));
  s->Bind(5, p.free_group).Bind(6, p.calls).Bind(7, p.used).Bind(8, p.created_at);
  s->Bind(9, p.expires_at);
  BindOptional(*s, 10, p.refunded_at);
  s->Bind(11, p.price_fen).Bind(12, p.promotion).Bind(13, int64_t{p.refundable ? 1 : 0});
  s->Bind(14, p.purchase_txn);
  return Run(*s, "pack '" + p.id + "' already exists");
}

Result<Pack> SqliteTxn::FindPack(std::string_view pack_id) {
  auto s = cache_.Get(kSelectPack);
  s->Bind(1, pack_id);
  return One<Pack>(*s, ReadPack, "pack", pack_id);
}

Result<std::vector<Pack>> SqliteTxn::ListPacks(std::string_view account_id) {
  auto s = cache_.Get(kSelectPacks);
  s->Bind(1, account_id);
  return Collect<Pack>(*s, ReadPack);
}

Result<std::vector<Pack>> SqliteTxn::ListLivePacks(std::string_view account_id, UnixMicros from) {
  auto s = cache_.Get(kSelectLivePacks);
  s->Bind(1, account_id).Bind(2, from);
  return Collect<Pack>(*s, ReadPack);
}

Result<std::vector<Pack>> SqliteTxn::ListUsablePacks(std::string_view account_id,
                                                     std::string_view action, UnixMicros at) {
  auto s = cache_.Get(kSelectUsablePacks);
  s->Bind(1, account_id).Bind(2, action).Bind(3, at);
  return Collect<Pack>(*s, ReadPack);
}

Result<std::optional<Pack>> SqliteTxn::FindFreePack(std::string_view account_id,
                                                    std::string_view free_group,
                                                    UnixMicros month_start, UnixMicros month_end) {
  auto s = cache_.Get(kSelectFreePack);
  s->Bind(1, account_id).Bind(2, free_group).Bind(3, month_start).Bind(4, month_end);
  if (s->Step()) return std::optional<Pack>(ReadPack(*s));
  if (!s->status().ok()) return s->status();
  return std::optional<Pack>();
}

// Hot path. The schema keeps 0 <= used <= calls.
Status SqliteTxn::AddPackUsed(std::string_view pack_id, int64_t delta) {
  auto s = cache_.Get(kAddPackUsed);
  s->Bind(1, pack_id).Bind(2, delta).Step();
  if (!s->status().ok()) {
    if (s->extended_result_code() == SQLITE_CONSTRAINT_CHECK)
      return Status(errc::kInternalError, "pack '" + std::string(pack_id) + "': adding " +
                                              std::to_string(delta) +
                                              " would take `used` outside [0, calls]");
    return s->status();
  }
  if (sqlite3_changes(cache_.db()) == 0) return NotFound("pack", pack_id);
  return Status::Ok();
}

// A second refund is refused (errc::kAlreadyExists); the first time stays.
Status SqliteTxn::MarkPackRefunded(std::string_view pack_id, UnixMicros at) {
  {
    auto s = cache_.Get(kMarkPackRefunded);
    s->Bind(1, pack_id).Bind(2, at).Step();
    if (!s->status().ok()) return s->status();
    if (sqlite3_changes(cache_.db()) == 1) return Status::Ok();
  }
  auto exists = cache_.Get(kPackExists);
  exists->Bind(1, pack_id);
  if (exists->Step())
    return Status(errc::kAlreadyExists, "pack '" + std::string(pack_id) + "' is already refunded");
  if (!exists->status().ok()) return exists->status();
  return NotFound("pack", pack_id);
}

// ---- Ledger. ----

Result<std::optional<LedgerTxn>> SqliteTxn::FindLedgerTxnByKey(std::string_view key) {
  auto s = cache_.Get(kSelectLedgerTxnByKey);
  s->Bind(1, key);
  auto txns = ReadLedgerTxns(*s);
  if (!txns.ok()) return txns.status();
  if (txns->empty()) return std::optional<LedgerTxn>();
  return std::optional<LedgerTxn>(std::move(txns->front()));
}

Status SqliteTxn::InsertLedgerTxn(const LedgerTxn& t) {
  int64_t sum = 0;
  for (const Posting& p : t.postings) {
    if (__builtin_add_overflow(sum, p.amount_fen, &sum))
      return Status(errc::kInternalError, "ledger txn '" + t.id + "': postings overflow");
  }
  if (sum != 0)
    return Status(errc::kInternalError, "ledger txn '" + t.id + "': postings sum to " +
                                            std::to_string(sum) + " fen, not 0");
  {
    auto s = cache_.Get(kInsertLedgerTxn);
    s->Bind(1, t.id).Bind(2, t.idempotency_key).Bind(3, t.request_hash).Bind(4, t.account_id);
    s->Bind(5, t.kind).Bind(6, t.at).Bind(7, t.ref).Bind(8, t.reason);
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

Result<std::map<std::string, int64_t>> SqliteTxn::Balances(std::string_view owner) {
  auto s = cache_.Get(kBalances);
  s->Bind(1, owner);
  std::map<std::string, int64_t> out;
  while (s->Step()) out[s->Text(0)] = s->Int(1);
  if (!s->status().ok()) return s->status();
  return out;
}

Result<std::vector<LedgerTxn>> SqliteTxn::ListLedgerTxns(std::string_view account_id) {
  auto s = cache_.Get(kSelectLedgerTxnsOfAccount);
  s->Bind(1, account_id);
  return ReadLedgerTxns(*s);
}

Result<int64_t> SqliteTxn::CountLedgerTxns(std::string_view account_id, std::string_view kind,
                                           UnixMicros from, UnixMicros to) {
  auto s = cache_.Get(kCountLedgerTxns);
  s->Bind(1, account_id).Bind(2, kind).Bind(3, from).Bind(4, to);
  if (s->Step()) return s->Int(0);
  if (!s->status().ok()) return s->status();
  return int64_t{0};
}

// ---- Vouchers. ----

Status SqliteTxn::InsertVoucher(const Voucher& v) {
  auto s = cache_.Get(kInsertVoucher);
  s->Bind(1, v.id).Bind(2, v.account_id).Bind(3, v.amount_fen).Bind(4, v.granted_at);
  BindOptional(*s, 5, v.expires_at);
  return Run(*s, "voucher '" + v.id + "' already exists");
}

Result<Voucher> SqliteTxn::FindVoucher(std::string_view voucher_id) {
  auto s = cache_.Get(kSelectVoucher);
  s->Bind(1, voucher_id);
  return One<Voucher>(*s, ReadVoucher, "voucher", voucher_id);
}

Result<std::vector<Voucher>> SqliteTxn::ListVouchers(std::string_view account_id) {
  auto s = cache_.Get(kSelectVouchers);
  s->Bind(1, account_id);
  return Collect<Voucher>(*s, ReadVoucher);
}

// ---- Bills. ----

Result<std::optional<Bill>> SqliteTxn::QueryBill(const char* sql, std::string_view account_id,
                                                 std::string_view month) {
  Bill bill;
  {
    auto s = cache_.Get(sql);
    s->Bind(1, account_id);
    if (sql == kSelectBill) s->Bind(2, month);
    if (!s->Step()) {
      if (!s->status().ok()) return s->status();
      return std::optional<Bill>();
    }
    bill = Bill{s->Text(0), s->Text(1), s->Text(2), s->Int(3), s->Int(4), s->Text(5), {}};
  }
  auto s = cache_.Get(kSelectBillLines);
  s->Bind(1, bill.id);
  auto lines = Collect<BillLine>(*s, [](const Statement& r) {
    return BillLine{r.Text(0), r.Int(1), static_cast<int>(r.Int(2)), r.Int(3), r.Int(4)};
  });
  if (!lines.ok()) return lines.status();
  bill.lines = std::move(lines).value();
  return std::optional<Bill>(std::move(bill));
}

Result<std::vector<std::string>> SqliteTxn::BilledAccounts(std::string_view month, std::string_view first,
                                                           std::string_view last) {
  auto s = cache_.Get(kSelectBilledAccounts);
  s->Bind(1, month).Bind(2, first).Bind(3, last);
  std::vector<std::string> ids;
  while (s->Step()) ids.push_back(s->Text(0));
  Status status = s->status();
  s->Reset();
  if (!status.ok()) return status;
  return ids;
}

Result<std::optional<Bill>> SqliteTxn::FindBill(std::string_view account_id,
                                                std::string_view month) {
  return QueryBill(kSelectBill, account_id, month);
}

Result<std::optional<Bill>> SqliteTxn::LatestBill(std::string_view account_id) {
  return QueryBill(kSelectLatestBill, account_id, "");
}

Status SqliteTxn::InsertBill(const Bill& b) {
  {
    auto s = cache_.Get(kInsertBill);
    s->Bind(1, b.id).Bind(2, b.account_id).Bind(3, b.month).Bind(4, b.created_at);
    s->Bind(5, b.total_fen).Bind(6, b.status);
    if (Status st = Run(*s, "a bill for account '" + b.account_id + "' month " + b.month +
                                " (or with id '" + b.id + "') already exists");
        !st.ok())
      return st;
  }
  auto s = cache_.Get(kInsertBillLine);
  for (size_t i = 0; i < b.lines.size(); ++i) {
    const BillLine& l = b.lines[i];
    s->Bind(1, b.id).Bind(2, static_cast<int64_t>(i)).Bind(3, l.action).Bind(4, l.quantity);
    s->Bind(5, int64_t{l.tier}).Bind(6, l.unit_price_e4).Bind(7, l.amount_fen).Step();
    if (!s->status().ok()) return s->status();
    s->Reset();
  }
  return Status::Ok();
}

// ---- Catalog versions and notices. ----

Result<std::vector<CatalogVersion>> SqliteTxn::ListCatalogVersions() {
  auto s = cache_.Get(kSelectCatalogVersions);
  return Collect<CatalogVersion>(*s, [](const Statement& r) {
    return CatalogVersion{r.Int(0), r.Text(1), r.Int(2), r.Int(3), r.Text(4)};
  });
}

Result<int64_t> SqliteTxn::InsertCatalogVersion(const CatalogVersion& v) {
  auto s = cache_.Get(kInsertCatalogVersion);
  s->Bind(1, v.version).Bind(2, v.effective_from).Bind(3, v.published_at).Bind(4, v.body);
  if (Status st = Run(*s, "catalog version '" + v.version + "' already exists"); !st.ok())
    return st;
  return static_cast<int64_t>(sqlite3_last_insert_rowid(cache_.db()));
}

Status SqliteTxn::InsertNotice(const Notice& n) {
  auto s = cache_.Get(kInsertNotice);
  s->Bind(1, n.id).Bind(2, n.account_id).Bind(3, n.at).Bind(4, n.kind).Bind(5, n.message);
  return Run(*s, "notice '" + n.id + "' already exists");
}

Result<std::vector<Notice>> SqliteTxn::ListNotices(std::string_view account_id) {
  auto s = cache_.Get(kSelectNotices);
  s->Bind(1, account_id);
  return Collect<Notice>(*s, [](const Statement& r) {
    return Notice{r.Text(0), r.Text(1), r.Int(2), r.Text(3), r.Text(4)};
  });
}

// ---- Spend guard, keys' last use, drill-down (tenant console). ----

namespace {
constexpr char kSelectSpendBudget[] = "SELECT budget_fen FROM spend_budgets WHERE account_id=?1";
constexpr char kUpsertSpendBudget[] =
    "INSERT INTO spend_budgets(account_id,budget_fen,updated_at) VALUES(?1,?2,?3) "
    "ON CONFLICT(account_id) DO UPDATE SET budget_fen=excluded.budget_fen,updated_at=excluded.updated_at";
constexpr char kDeleteSpendBudget[] = "DELETE FROM spend_budgets WHERE account_id=?1";
constexpr char kTouchKey[] =
    "UPDATE api_keys SET last_used_at=?2 WHERE secret_id=?1 "
    "AND (last_used_at IS NULL OR last_used_at<?2)";
constexpr char kSelectKeysLastUsed[] =
    "SELECT secret_id,last_used_at FROM api_keys WHERE account_id=?1 AND last_used_at IS NOT NULL";
// Walks the log's (at) index over the range (an hour in the console) and
// filters by account and action; the keyset (at, request_id) pages it.
constexpr char kSelectUsagePage[] =
    "SELECT request_id,account_id,action,at,quantity,source,pack_id FROM usage_records "
    "WHERE at>=?3 AND at<?4 AND account_id=?1 AND action=?2 "
    "AND (?6='' OR at>?5 OR (at=?5 AND request_id>?6)) ORDER BY at, request_id LIMIT ?7";
}  // namespace

Result<std::optional<int64_t>> SqliteTxn::FindSpendBudget(std::string_view account_id) {
  auto s = cache_.Get(kSelectSpendBudget);
  s->Bind(1, account_id);
  std::optional<int64_t> out;
  if (s->Step()) out = s->Int(0);
  if (!s->status().ok()) return s->status();
  return out;
}

Status SqliteTxn::SetSpendBudget(std::string_view account_id, std::optional<int64_t> budget_fen,
                                 UnixMicros at) {
  auto s = cache_.Get(budget_fen ? kUpsertSpendBudget : kDeleteSpendBudget);
  s->Bind(1, account_id);
  if (budget_fen) s->Bind(2, *budget_fen).Bind(3, at);
  s->Step();
  return s->status();
}

Status SqliteTxn::TouchKey(std::string_view secret_id, UnixMicros at) {
  auto s = cache_.Get(kTouchKey);
  s->Bind(1, secret_id).Bind(2, at).Step();
  return s->status();
}

Result<std::map<std::string, UnixMicros>> SqliteTxn::KeysLastUsed(std::string_view account_id) {
  auto s = cache_.Get(kSelectKeysLastUsed);
  s->Bind(1, account_id);
  std::map<std::string, UnixMicros> out;
  while (s->Step()) out[s->Text(0)] = s->Int(1);
  if (!s->status().ok()) return s->status();
  return out;
}

Result<std::vector<UsageRecord>> SqliteTxn::ListUsagePage(std::string_view account_id,
                                                          std::string_view action, UnixMicros from,
                                                          UnixMicros to, UnixMicros after_at,
                                                          std::string_view after_id, int64_t limit) {
  auto s = cache_.Get(kSelectUsagePage);
  s->Bind(1, account_id).Bind(2, action).Bind(3, from).Bind(4, to).Bind(5, after_at);
  s->Bind(6, after_id).Bind(7, limit);
  return Collect<UsageRecord>(*s, ReadUsage);
}

// ---- Console users and sessions. ----

namespace {
constexpr char kInsertConsoleUser[] =
    "INSERT INTO console_users(login,account_id,password_hash,enabled,created_at,failed_logins,"
    "locked_until) VALUES(?1,?2,?3,?4,?5,?6,?7)";
constexpr char kSelectConsoleUser[] =
    "SELECT login,account_id,password_hash,enabled,created_at,failed_logins,locked_until "
    "FROM console_users WHERE login=?1";
constexpr char kSelectConsoleUsers[] =
    "SELECT login,account_id,password_hash,enabled,created_at,failed_logins,locked_until "
    "FROM console_users WHERE ?1='' OR account_id=?1 ORDER BY login";
constexpr char kUpdateConsoleUser[] =
    "UPDATE console_users SET password_hash=?2,enabled=?3,failed_logins=?4,locked_until=?5 "
    "WHERE login=?1";
constexpr char kInsertConsoleSession[] =
    "INSERT INTO console_sessions(token_hash,login,csrf_token,created_at,expires_at) "
    "VALUES(?1,?2,?3,?4,?5)";
constexpr char kSelectConsoleSession[] =
    "SELECT token_hash,login,csrf_token,created_at,expires_at FROM console_sessions "
    "WHERE token_hash=?1";
constexpr char kDeleteConsoleSession[] = "DELETE FROM console_sessions WHERE token_hash=?1";
constexpr char kDeleteConsoleSessionsOf[] = "DELETE FROM console_sessions WHERE login=?1";

ConsoleUser ReadConsoleUser(const Statement& r) {
  return ConsoleUser{r.Text(0), r.Text(1), r.Text(2), r.Int(3) != 0, r.Int(4), r.Int(5), r.Int(6)};
}
}  // namespace

Status SqliteTxn::InsertConsoleUser(const ConsoleUser& u) {
  auto s = cache_.Get(kInsertConsoleUser);
  s->Bind(1, u.login).Bind(2, u.account_id).Bind(3, u.password_hash).Bind(4, int64_t{u.enabled})
      .Bind(5, u.created_at).Bind(6, u.failed_logins).Bind(7, u.locked_until);
  return Run(*s, "a console user '" + u.login + "' already exists");
}

Result<ConsoleUser> SqliteTxn::FindConsoleUser(std::string_view login) {
  auto s = cache_.Get(kSelectConsoleUser);
  s->Bind(1, login);
  return One<ConsoleUser>(*s, ReadConsoleUser, "console user", login);
}

Result<std::vector<ConsoleUser>> SqliteTxn::ListConsoleUsers(std::string_view account_id) {
  auto s = cache_.Get(kSelectConsoleUsers);
  s->Bind(1, account_id);
  return Collect<ConsoleUser>(*s, ReadConsoleUser);
}

Status SqliteTxn::UpdateConsoleUser(const ConsoleUser& u) {
  auto s = cache_.Get(kUpdateConsoleUser);
  s->Bind(1, u.login).Bind(2, u.password_hash).Bind(3, int64_t{u.enabled}).Bind(4, u.failed_logins)
      .Bind(5, u.locked_until);
  if (Status st = Run(*s, ""); !st.ok()) return st;
  if (sqlite3_changes(cache_.db()) == 0) return NotFound("console user", u.login);
  return Status::Ok();
}

Status SqliteTxn::InsertConsoleSession(const ConsoleSession& c) {
  auto s = cache_.Get(kInsertConsoleSession);
  s->Bind(1, c.token_hash).Bind(2, c.login).Bind(3, c.csrf_token).Bind(4, c.created_at)
      .Bind(5, c.expires_at);
  return Run(*s, "session exists");
}

Result<ConsoleSession> SqliteTxn::FindConsoleSession(std::string_view token_hash) {
  auto s = cache_.Get(kSelectConsoleSession);
  s->Bind(1, token_hash);
  return One<ConsoleSession>(
      *s,
      [](const Statement& r) {
        return ConsoleSession{r.Text(0), r.Text(1), r.Text(2), r.Int(3), r.Int(4)};
      },
      "session", "(hidden)");
}

Status SqliteTxn::DeleteConsoleSession(std::string_view token_hash) {
  auto s = cache_.Get(kDeleteConsoleSession);
  s->Bind(1, token_hash);
  return Run(*s, "");
}

Status SqliteTxn::DeleteConsoleSessionsOf(std::string_view login) {
  auto s = cache_.Get(kDeleteConsoleSessionsOf);
  s->Bind(1, login);
  return Run(*s, "");
}

// ---- Audit helpers. ----

Result<std::vector<std::string>> SqliteTxn::QueryIds(const char* sql) {
  auto s = cache_.Get(sql);
  return Collect<std::string>(*s, [](const Statement& r) { return r.Text(0); });
}

Result<std::vector<std::string>> SqliteTxn::UnbalancedLedgerTxns() {
  return QueryIds(kUnbalancedLedgerTxns);
}

// ---- State. ----

Result<uint64_t> SqliteTxn::StateAfterCommit() {
  if (!write_) return Status(errc::kInternalError, "StateAfterCommit outside a write transaction");
  return State(commits_ + 1);
}

// Other processes' commits (data_version) and this store's own (commits).
// Hashed into one number: equal numbers mean the same state.
Result<uint64_t> SqliteTxn::State(uint64_t commits) {
  auto s = cache_.Get(kDataVersion);
  if (!s->Step()) return s->status().ok() ? Status(errc::kInternalError, "no data_version") : s->status();
  uint64_t h = instance_;
  for (uint64_t part : {static_cast<uint64_t>(s->Int(0)), commits})
    h = (h ^ part) * 0x100000001b3ull + (h >> 29);
  return h;
}

Result<std::vector<std::string>> SqliteTxn::UsageTotalsMismatch() {
  if (Status s = FlushUsageTotals(); !s.ok()) return s;
  return QueryIds(kUsageTotalsMismatch);
}

Result<std::vector<std::string>> SqliteTxn::PacksWithUsageMismatch() {
  return QueryIds(kPacksWithUsageMismatch);
}

}  // namespace kanjian::store
