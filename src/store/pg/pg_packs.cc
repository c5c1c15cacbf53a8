// Packs on PostgreSQL. Every change to a pack bumps the store state (see
// PgTxn::Changed), so another node's attribution cache reloads.
#include <nlohmann/json.hpp>

#include "common/error_codes.h"
#include "store/pg/pg_txn.h"

namespace kanjian::store::pg {
namespace {

#define KANJIAN_PACK_COLUMNS                                                            \
  "id,account_id,kind,actions,free_group,calls,used,created_at,expires_at,refunded_at," \
  "price_fen,promotion,refundable,purchase_txn"
constexpr char kInsertPack[] = "INSERT INTO packs(" KANJIAN_PACK_COLUMNS
                               ") VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)";
constexpr char kSelectPack[] = "SELECT " KANJIAN_PACK_COLUMNS " FROM packs WHERE id=$1";
constexpr char kSelectPacks[] =
    "SELECT " KANJIAN_PACK_COLUMNS
    " FROM packs WHERE account_id=$1 ORDER BY expires_at, created_at, id";
constexpr char kSelectLivePacks[] = "SELECT " KANJIAN_PACK_COLUMNS
                                    " FROM packs WHERE account_id=$1 AND expires_at>$2 "
                                    "AND refunded_at IS NULL AND used<calls "
                                    "ORDER BY expires_at, created_at, id";
constexpr char kSelectFreePack[] =
    "SELECT " KANJIAN_PACK_COLUMNS
    " FROM packs WHERE account_id=$1 AND kind='free' AND free_group=$2 "
    "AND created_at>=$3 AND created_at<$4 ORDER BY created_at, id LIMIT 1";
#undef KANJIAN_PACK_COLUMNS
// A batch's pack use in one statement; a pack it did not find fails it
// (kNoSuchPackState, the ids in DETAIL), so a COMMIT sent behind it is
// skipped.
constexpr char kAddPackUsed[] =
    "WITH d AS (SELECT * FROM unnest($1::text[],$2::bigint[]) AS d(id,delta)), "
    "u AS (UPDATE packs SET used=used+d.delta FROM d WHERE packs.id=d.id RETURNING packs.id) "
    "SELECT kanjian_refuse('" KANJIAN_NO_SUCH_PACK
    "','no such pack',json_agg(id)::text) FROM d "
    "WHERE id NOT IN (SELECT id FROM u) HAVING count(*)>0";
constexpr char kMarkPackRefunded[] =
    "UPDATE packs SET refunded_at=$2 WHERE id=$1 AND refunded_at IS NULL";
constexpr char kPackExists[] = "SELECT 1 FROM packs WHERE id=$1";

std::vector<std::string> DecodeActions(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& v : j)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

Result<Pack> ReadPack(const PgResult& r, int i) {
  Pack p;
  p.id = r.Text(i, 0);
  p.account_id = r.Text(i, 1);
  ASSIGN_OR_RETURN(p.kind, StoredWord(ParsePackKind, "packs.kind", r.Text(i, 2)));
  p.actions = DecodeActions(r.Text(i, 3));
  p.free_group = r.Text(i, 4);
  p.calls = r.Int(i, 5);
  p.used = r.Int(i, 6);
  p.created_at = r.Int(i, 7);
  p.expires_at = r.Int(i, 8);
  p.refunded_at = r.OptionalInt(i, 9);
  p.price_fen = r.Int(i, 10);
  p.promotion = r.Text(i, 11);
  p.refundable = r.Text(i, 12) == "t";
  p.purchase_txn = r.Text(i, 13);
  return p;
}

Result<std::vector<Pack>> Packs(Result<PgResult> r) {
  if (!r.ok()) return r.status();
  std::vector<Pack> out;
  for (int i = 0; i < r->rows(); ++i) {
    ASSIGN_OR_RETURN(Pack pack, ReadPack(*r, i));
    out.push_back(std::move(pack));
  }
  return out;
}

}  // namespace

Status PgTxn::InsertPack(const Pack& p) {
  auto r =
      Exec(kInsertPack, {P(p.id), P(p.account_id), P(ToString(p.kind)),
                         P(nlohmann::json(p.actions).dump()), P(p.free_group), P(p.calls),
                         P(p.used), P(p.created_at), P(p.expires_at), P(p.refunded_at),
                         P(p.price_fen), P(p.promotion), PBool(p.refundable), P(p.purchase_txn)});
  if (!r.ok()) return UniqueAs(db_, r.status(), "pack '" + p.id + "' already exists");
  return Changed();
}

Result<Pack> PgTxn::FindPack(std::string_view pack_id) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectPack, {P(pack_id)}));
  if (r.rows() == 0) return NotFound("pack", pack_id);
  return ReadPack(r, 0);
}

Result<std::vector<Pack>> PgTxn::ListPacks(std::string_view account_id) {
  return Packs(Exec(kSelectPacks, {P(account_id)}));
}

Result<std::vector<Pack>> PgTxn::ListLivePacks(std::string_view account_id, UnixMicros from) {
  return Packs(Exec(kSelectLivePacks, {P(account_id), P(from)}));
}

Result<std::optional<Pack>> PgTxn::FindFreePack(std::string_view account_id,
                                                std::string_view free_group, UnixMicros month_start,
                                                UnixMicros month_end) {
  ASSIGN_OR_RETURN(
      auto r, Exec(kSelectFreePack, {P(account_id), P(free_group), P(month_start), P(month_end)}));
  if (r.rows() == 0) return std::optional<Pack>();
  ASSIGN_OR_RETURN(Pack pack, ReadPack(r, 0));
  return std::optional<Pack>(std::move(pack));
}

// Hot path: queued, written with the batch (PgTxn::Flush). The schema
// keeps 0 <= used <= calls (23514 check_violation otherwise).
Status PgTxn::AddPackUsed(std::string_view pack_id, int64_t delta) {
  pending_pack_use_[std::string(pack_id)] += delta;
  return Changed();
}

PgConnection::Statement PgTxn::PackUseStatement() {
  std::vector<std::string> ids, deltas;
  for (const auto& [id, delta] : pending_pack_use_) {
    ids.push_back(id);
    deltas.push_back(std::to_string(delta));
  }
  pending_pack_use_.clear();
  return {kAddPackUsed, {TextArray(ids), TextArray(deltas)}};
}

Status PgTxn::FlushFailed(const Status& failed, int usage_at, int pack_at,
                          const std::map<std::string, int64_t>& pack_use) {
  const int at = db_.failed_statement();
  if (at >= 0 && at == usage_at) return UsageFailed(failed);
  if (at < 0 || at != pack_at) return failed;
  if (db_.sqlstate() == kNoSuchPackState) {
    auto missing = nlohmann::json::parse(db_.detail(), nullptr, /*allow_exceptions=*/false);
    return NotFound("pack", missing.is_array() && !missing.empty() && missing[0].is_string()
                                ? missing[0].get<std::string>()
                                : std::string("?"));
  }
  if (db_.sqlstate() == "23514") {  // check_violation: 0 <= used <= calls
    std::string what;
    for (const auto& [id, delta] : pack_use)
      what += (what.empty() ? "" : ", ") + id + " " + std::to_string(delta);
    return Status(errc::kInternalError,
                  "pack use (" + what + ") would take `used` outside [0, calls]");
  }
  return failed;
}

// A second refund is refused (errc::kAlreadyExists); the first time stays.
Status PgTxn::MarkPackRefunded(std::string_view pack_id, UnixMicros at) {
  ASSIGN_OR_RETURN(auto r, Exec(kMarkPackRefunded, {P(pack_id), P(at)}));
  if (r.affected() == 1) return Changed();
  ASSIGN_OR_RETURN(auto exists, Exec(kPackExists, {P(pack_id)}));
  if (exists.rows() > 0)
    return Status(errc::kAlreadyExists, "pack '" + std::string(pack_id) + "' is already refunded");
  return NotFound("pack", pack_id);
}

}  // namespace kanjian::store::pg
