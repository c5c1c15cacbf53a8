// SqliteTxn: Packs (the packs table). Candidates only: the consumption order is
// billing's (billing/rules/consumption_order.h).
// Each statement is a named constant beside the function that runs it.
#include "store/sqlite_txn.h"

#include <nlohmann/json.hpp>

#include "common/error_codes.h"
#include "store/sqlite_rows.h"

namespace kanjian::store {

#define KANJIAN_PACK_COLUMNS                                                            \
  "id,account_id,kind,actions,free_group,calls,used,created_at,expires_at,refunded_at," \
  "price_fen,promotion,refundable,purchase_txn"

namespace {

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

Result<Pack> ReadPack(const Statement& s) {
  Pack p;
  p.id = s.Text(0);
  p.account_id = s.Text(1);
  ASSIGN_OR_RETURN(p.kind, StoredWord(ParsePackKind, "packs.kind", s.TextView(2)));
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

}  // namespace

namespace {
constexpr char kInsertPack[] = "INSERT INTO packs(" KANJIAN_PACK_COLUMNS
                               ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)";
}  // namespace

Status SqliteTxn::InsertPack(const Pack& p) {
  auto s = cache_.Get(kInsertPack);
  s->Bind(1, p.id)
      .Bind(2, p.account_id)
      .Bind(3, ToString(p.kind))
      .Bind(4, EncodeActions(p.actions));
  s->Bind(5, p.free_group).Bind(6, p.calls).Bind(7, p.used).Bind(8, p.created_at);
  s->Bind(9, p.expires_at);
  BindOptional(*s, 10, p.refunded_at);
  s->Bind(11, p.price_fen).Bind(12, p.promotion).Bind(13, int64_t{p.refundable ? 1 : 0});
  s->Bind(14, p.purchase_txn);
  return Run(*s, "pack '" + p.id + "' already exists");
}

namespace {
constexpr char kSelectPack[] = "SELECT " KANJIAN_PACK_COLUMNS " FROM packs WHERE id=?1";
}  // namespace

Result<Pack> SqliteTxn::FindPack(std::string_view pack_id) {
  auto s = cache_.Get(kSelectPack);
  s->Bind(1, pack_id);
  return One<Pack>(*s, ReadPack, "pack", pack_id);
}

namespace {
constexpr char kSelectPacks[] = "SELECT " KANJIAN_PACK_COLUMNS
                                " FROM packs WHERE account_id=?1 "
                                "ORDER BY expires_at, created_at, id";
}  // namespace

Result<std::vector<Pack>> SqliteTxn::ListPacks(std::string_view account_id) {
  auto s = cache_.Get(kSelectPacks);
  s->Bind(1, account_id);
  return Collect<Pack>(*s, ReadPack);
}

namespace {
constexpr char kSelectLivePacks[] = "SELECT " KANJIAN_PACK_COLUMNS
                                    " FROM packs WHERE account_id=?1 AND expires_at>?2 "
                                    "AND refunded_at IS NULL AND used<calls";
}  // namespace

Result<std::vector<Pack>> SqliteTxn::ListLivePacks(std::string_view account_id, UnixMicros from) {
  auto s = cache_.Get(kSelectLivePacks);
  s->Bind(1, account_id).Bind(2, from);
  return Collect<Pack>(*s, ReadPack);
}

namespace {
constexpr char kSelectFreePack[] =
    "SELECT " KANJIAN_PACK_COLUMNS
    " FROM packs WHERE account_id=?1 AND kind='free' AND free_group=?2 "
    "AND created_at>=?3 AND created_at<?4 ORDER BY created_at, id LIMIT 1";
}  // namespace

Result<std::optional<Pack>> SqliteTxn::FindFreePack(std::string_view account_id,
                                                    std::string_view free_group,
                                                    UnixMicros month_start, UnixMicros month_end) {
  auto s = cache_.Get(kSelectFreePack);
  s->Bind(1, account_id).Bind(2, free_group).Bind(3, month_start).Bind(4, month_end);
  if (s->Step()) {
    ASSIGN_OR_RETURN(Pack pack, ReadPack(*s));
    return std::optional<Pack>(std::move(pack));
  }
  if (!s->status().ok()) return s->status();
  return std::optional<Pack>();
}

namespace {
constexpr char kAddPackUsed[] = "UPDATE packs SET used=used+?2 WHERE id=?1";
}  // namespace

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

namespace {
constexpr char kMarkPackRefunded[] =
    "UPDATE packs SET refunded_at=?2 WHERE id=?1 AND refunded_at IS NULL";
constexpr char kPackExists[] = "SELECT 1 FROM packs WHERE id=?1";
}  // namespace

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

#undef KANJIAN_PACK_COLUMNS

}  // namespace kanjian::store
