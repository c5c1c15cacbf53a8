// The billing actions: parse, read the tenant view, format the SDK's
// response model (tencentcloud-sdk-nodejs billing/v20180709/billing_models).
// Units are the public cloud's: balances in fen (numbers), bill amounts in
// yuan (strings with two decimals), vouchers in micro (10⁻⁸ 元).
#include <algorithm>
#include <set>

#include "billing/rules/money.h"
#include "common/error_codes.h"
#include "common/iso8601.h"
#include "protocol/actions.h"
#include "server/billing_api/billing_api.h"

namespace kanjian::server {
namespace {

using billing::Fen;
using nlohmann::json;

constexpr char kProductCode[] = "p_tiia";
constexpr char kProductName[] = "图像分析";
constexpr int64_t kMicroPerFen = 1'000'000;  // 1 micro = 10⁻⁸ 元

// Every parameter must be one the action takes, with the JSON type it has.
Status CheckParams(const json& params, const std::string& action,
                   const std::map<std::string, json::value_t>& known) {
  for (const auto& [name, value] : params.items()) {
    auto it = known.find(name);
    if (it == known.end())
      return Status(errc::kUnknownParameter, "unknown parameter '" + name + "' for " + action);
    const bool number_ok = it->second == json::value_t::number_integer && value.is_number_integer();
    if (!number_ok && value.type() != it->second)
      return Status(errc::kInvalidParameterValue, "parameter '" + name + "' has the wrong type");
  }
  return Status::Ok();
}

std::string Str(const json& params, const std::string& name) {
  return params.contains(name) ? params[name].get<std::string>() : "";
}

// "2026-10-05 10:00:00" in the billing time zone, as the public cloud writes times.
std::string LocalTime(UnixMicros t, int offset_s) {
  std::string s = FormatIso8601(t, offset_s).substr(0, 19);
  s[10] = ' ';
  return s;
}

// PayerUin may only name the caller: another tenant's data is never read.
Status CheckPayer(const json& params, const std::string& account_id) {
  const std::string payer = Str(params, "PayerUin");
  if (!payer.empty() && payer != std::to_string(UinOf(account_id)))
    return Status(errc::kUnauthorizedOperation, "this key may read only its own account (Uin " +
                                                    std::to_string(UinOf(account_id)) + ")");
  return Status::Ok();
}

Result<json> DescribeAccountBalance(billing::TenantView& view, const std::string& account_id,
                                    const json& params) {
  if (Status s =
          CheckParams(params, "DescribeAccountBalance", {{"TempCredit", json::value_t::boolean}});
      !s.ok())
    return s;
  // The balance alone: the caller's key was just read, so its account exists.
  ASSIGN_OR_RETURN(auto balance, view.AccountBalance(account_id));
  const billing::Balance& b = balance;
  // A settlement that finds too little takes the rest from cash, which goes
  // negative: that debt is OweAmount, and cash shows no less than 0, so
  // RealBalance = Cash + Income + Present − Freeze − Owe holds as documented.
  const Fen owe = std::max<Fen>(0, -b.cash);
  const Fen cash = std::max<Fen>(0, b.cash);
  const Fen real = cash + b.income + b.gift - owe;
  return json{{"Balance", real},
              {"Uin", UinOf(account_id)},
              {"RealBalance", real},
              {"CashAccountBalance", cash},
              {"IncomeIntoAccountBalance", b.income},
              {"PresentAccountBalance", b.gift},
              {"FreezeAmount", 0},
              {"OweAmount", owe},
              {"IsAllowArrears", false},
              {"IsCreditLimited", false},
              {"CreditAmount", 0},
              {"CreditBalance", real},
              {"RealCreditBalance", real},
              {"TempCredit", 0},
              {"TempAmountInfoList", json::array()}};
}

Result<json> DescribeBillSummaryByProduct(billing::TenantView& view, const std::string& account_id,
                                          const json& params) {
  if (Status s = CheckParams(params, "DescribeBillSummaryByProduct",
                             {{"BeginTime", json::value_t::string},
                              {"EndTime", json::value_t::string},
                              {"PayerUin", json::value_t::string},
                              {"PayType", json::value_t::string}});
      !s.ok())
    return s;
  RETURN_IF_ERROR(CheckPayer(params, account_id));
  if (!params.contains("BeginTime") || !params.contains("EndTime"))
    return Status(errc::kMissingParameter, "BeginTime and EndTime (YYYY-MM) are required");
  const std::string begin = Str(params, "BeginTime"), end = Str(params, "EndTime");
  auto month = billing::ParseMonth(begin);
  if (!month.ok() || begin.size() != 7)
    return Status(errc::kInvalidParameterValue, "BeginTime must be a month YYYY-MM");
  if (end != begin)
    return Status(errc::kInvalidParameterValue,
                  "BeginTime and EndTime must be the same month (one month per query)");
  const std::string pay_type = Str(params, "PayType");
  if (!pay_type.empty() && pay_type != "consume")
    return Status(errc::kInvalidParameterValue,
                  "PayType: only 'consume' exists here (refunds return packs' money, not bills')");
  ASSIGN_OR_RETURN(auto current, view.CurrentMonth());
  if (std::pair{month->year, month->month} > std::pair{current.year, current.month})
    return Status(errc::kInvalidParameterValue, begin + " has not begun");

  ASSIGN_OR_RETURN(auto bill, view.Bill(account_id, *month));
  const Fen total = bill.bill.total;
  const billing::Payment& paid = bill.paid;
  const std::string total_yuan = billing::FormatYuan(total);
  json overview = json::array();
  if (total > 0) {
    overview.push_back({{"BusinessCode", kProductCode},
                        {"BusinessCodeName", kProductName},
                        {"RealTotalCostRatio", "100.00"},
                        {"RealTotalCost", total_yuan},
                        {"CashPayAmount", billing::FormatYuan(paid.cash)},
                        {"IncentivePayAmount", billing::FormatYuan(paid.gift)},
                        {"VoucherPayAmount", billing::FormatYuan(paid.voucher)},
                        {"TransferPayAmount", billing::FormatYuan(paid.income)},
                        {"BillMonth", begin},
                        {"TotalCost", total_yuan}});
  }
  // Ready 0 = the bill is being made ("retry in a few minutes"): a month
  // that has ended but is not settled yet (the server settles within 30 s).
  // An open month is ready: its cost so far, like the public cloud's.
  return json{{"Ready", bill.bill.status == billing::BillState::kUnsettled ? 0 : 1},
              {"SummaryTotal",
               {{"RealTotalCost", total_yuan},
                {"VoucherPayAmount", billing::FormatYuan(paid.voucher)},
                {"IncentivePayAmount", billing::FormatYuan(paid.gift)},
                {"CashPayAmount", billing::FormatYuan(paid.cash)},
                {"TransferPayAmount", billing::FormatYuan(paid.income)},
                {"TotalCost", total_yuan}}},
              {"SummaryOverview", overview}};
}

Result<json> DescribeVoucherInfo(billing::TenantView& view, const std::string& account_id,
                                 const json& params) {
  if (Status s = CheckParams(params, "DescribeVoucherInfo",
                             {{"Limit", json::value_t::number_integer},
                              {"Offset", json::value_t::number_integer},
                              {"Status", json::value_t::string},
                              {"VoucherId", json::value_t::string},
                              {"SortField", json::value_t::string},
                              {"SortOrder", json::value_t::string},
                              {"Lang", json::value_t::string}});
      !s.ok())
    return s;
  const int64_t limit = params.value("Limit", int64_t{20});
  const int64_t page = params.value("Offset", int64_t{1});  // the SDK's Offset is a 1-based page
  if (limit < 1 || limit > 1000)
    return Status(errc::kInvalidParameterValue, "Limit must be 1..1000");
  if (page < 1) return Status(errc::kInvalidParameterValue, "Offset is a page number from 1");
  const std::string status_filter = Str(params, "Status");
  static const std::set<std::string> kStatuses = {"unUsed", "used", "delivered", "cancel",
                                                  "overdue"};
  if (!status_filter.empty() && !kStatuses.count(status_filter))
    return Status(errc::kInvalidParameterValue,
                  "Status must be unUsed, used, delivered, cancel or overdue");
  const std::string sort_field = Str(params, "SortField"), sort_order = Str(params, "SortOrder");
  if (!sort_field.empty() && sort_field != "BeginTime" && sort_field != "EndTime" &&
      sort_field != "CreateTime")
    return Status(errc::kInvalidParameterValue,
                  "SortField must be BeginTime, EndTime or CreateTime");
  if (!sort_order.empty() && sort_order != "asc" && sort_order != "desc")
    return Status(errc::kInvalidParameterValue, "SortOrder must be asc or desc");

  ASSIGN_OR_RETURN(auto account, view.Account(account_id));
  ASSIGN_OR_RETURN(auto offset, view.OffsetNow());
  const UnixMicros now = view.Now();

  std::vector<billing::VoucherView> vouchers = account.vouchers;  // in grant order
  if (sort_field == "EndTime") {
    constexpr UnixMicros kNever = INT64_MAX;
    std::stable_sort(vouchers.begin(), vouchers.end(), [&](const auto& a, const auto& b) {
      return a.expires_at.value_or(kNever) < b.expires_at.value_or(kNever);
    });
  }
  if (sort_order == "desc") std::reverse(vouchers.begin(), vouchers.end());

  json infos = json::array();
  int64_t matched = 0, total_balance = 0;
  for (const auto& v : vouchers) {
    const bool expired = v.expires_at && *v.expires_at <= now;
    const std::string status = expired ? "overdue" : v.remaining == 0 ? "used" : "unUsed";
    if (!status_filter.empty() && status != status_filter) continue;
    if (params.contains("VoucherId") && v.id != Str(params, "VoucherId")) continue;
    if (status == "unUsed") total_balance += v.remaining * kMicroPerFen;
    if (++matched <= (page - 1) * limit || matched > page * limit) continue;
    infos.push_back(
        {{"OwnerUin", std::to_string(UinOf(account_id))},
         {"Status", status},
         {"NominalValue", v.amount * kMicroPerFen},
         {"Balance", v.remaining * kMicroPerFen},
         {"VoucherId", v.id},
         {"PayMode", "prePay"},
         {"PayScene", "purchase"},
         {"BeginTime", v.granted_at ? LocalTime(v.granted_at, offset) : ""},
         {"EndTime", v.expires_at ? LocalTime(*v.expires_at, offset) : ""},
         {"ApplicableProducts", {{"GoodsName", "图像分析资源包"}, {"PayMode", "prePay"}}},
         {"ExcludedProducts",
          json::array({{{"GoodsName", "图像分析后付费"}, {"PayMode", "postPay"}}})},
         {"PolicyRemark", "pays resource packs only (our rule)"},
         {"CreateTime", v.granted_at ? LocalTime(v.granted_at, offset) : ""}});
  }
  return json{{"TotalCount", matched},
              {"TotalBalance", total_balance},
              {"VoucherInfos", infos},
              {"Unit", "micro"}};
}

// Daily calls per action: one DetailSet per action (InstanceID = the
// action), one DetailPoint per local day (Value = calls, as a string).
Result<json> DescribeDosageDetailByDate(billing::TenantView& view, const std::string& account_id,
                                        const json& params) {
  if (Status s = CheckParams(params, "DescribeDosageDetailByDate",
                             {{"StartDate", json::value_t::string},
                              {"EndDate", json::value_t::string},
                              {"ProductCode", json::value_t::string},
                              {"Domain", json::value_t::string},
                              {"InstanceID", json::value_t::string},
                              {"PayerUin", json::value_t::string}});
      !s.ok())
    return s;
  RETURN_IF_ERROR(CheckPayer(params, account_id));
  if (!params.contains("StartDate") || !params.contains("EndDate"))
    return Status(errc::kMissingParameter, "StartDate and EndDate (YYYY-MM-DD) are required");
  const std::string product = Str(params, "ProductCode");
  if (!product.empty() && product != kProductCode && product != "tiia")
    return Status(errc::kInvalidParameterValue, "ProductCode must be p_tiia (or tiia, or empty)");
  if (!Str(params, "Domain").empty())
    return Status(errc::kInvalidParameterValue, "Domain is for CDN products; pass an empty string");
  const std::string only = Str(params, "InstanceID");
  if (!only.empty() && !protocol::FindAction(only))
    return Status(errc::kInvalidParameterValue,
                  "InstanceID must be a tiia action name, e.g. DetectPet");
  ASSIGN_OR_RETURN(auto first, view.DayStart(Str(params, "StartDate")));
  ASSIGN_OR_RETURN(auto last, view.DayStart(Str(params, "EndDate")));
  const int64_t days = (last - first) / kMicrosPerDay + 1;
  if (days < 1) return Status(errc::kInvalidParameterValue, "EndDate is before StartDate");
  if (days > 7) return Status(errc::kInvalidParameterValue, "at most 7 days per query");

  ASSIGN_OR_RETURN(auto daily, view.Daily(account_id, first, static_cast<int>(days)));
  ASSIGN_OR_RETURN(auto offset, view.OffsetNow());
  std::vector<std::string> actions;
  for (const auto& spec : protocol::AllActions()) {
    if (only.empty() || only == spec.name) actions.emplace_back(spec.name);
  }
  json sets = json::array();
  for (const std::string& action : actions) {
    json points = json::array();
    for (int64_t i = 0; i < days; ++i) {
      const std::string day = FormatIso8601(first + i * kMicrosPerDay, offset).substr(0, 10);
      int64_t calls = 0;
      for (const auto& d : daily) {
        if (d.day == day && d.action == action) calls += d.free + d.pack + d.postpaid;
      }
      points.push_back({{"Time", day}, {"Value", std::to_string(calls)}});
    }
    sets.push_back({{"Domain", ""}, {"InstanceID", action}, {"DetailPoints", points}});
  }
  return json{{"Unit", "次"}, {"DetailSets", sets}, {"RetCode", 0}, {"RetMsg", ""}};
}

}  // namespace

BillingAction FindBillingAction(const std::string& name) {
  if (name == "DescribeAccountBalance") return DescribeAccountBalance;
  if (name == "DescribeBillSummaryByProduct") return DescribeBillSummaryByProduct;
  if (name == "DescribeVoucherInfo") return DescribeVoucherInfo;
  if (name == "DescribeDosageDetailByDate") return DescribeDosageDetailByDate;
  return nullptr;
}

int64_t UinOf(const std::string& account_id) {
  const size_t dash = account_id.find('-');
  try {
    return static_cast<int64_t>(std::stoull(account_id.substr(dash + 1, 12), nullptr, 16));
  } catch (...) {
    return 0;
  }
}

}  // namespace kanjian::server
