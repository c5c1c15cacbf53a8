#include "billing/alerts/alerts.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "billing/rules/money.h"
#include "common/crypto.h"

namespace kanjian::billing {

bool IsAlertKind(std::string_view kind) {
  return std::find(std::begin(kAlertKinds), std::end(kAlertKinds), kind) != std::end(kAlertKinds);
}

std::optional<TenantNotice> BillSettledNotice(const std::optional<store::Bill>& latest,
                                              UnixMicros now) {
  if (!latest || latest->created_at > now || now - latest->created_at > kBillNoticeShownFor)
    return std::nullopt;
  TenantNotice n;
  n.kind = "bill_settled";
  n.level = "info";
  n.at = latest->created_at;
  n.subject = latest->month;
  n.amount = latest->total_fen;
  return n;
}

std::string AlertKey(const TenantNotice& n, std::string_view month) {
  const bool once_a_month = n.kind == "arrears" || n.kind == "spend_guard" || n.kind == "free_pack";
  return n.kind + "|" + n.subject + "|" + std::to_string(n.percent) + "|" +
         (once_a_month ? std::string(month) : "");
}

bool Wants(const store::AlertSubscription& sub, std::string_view kind) {
  return sub.kinds.empty() ||
         std::find(sub.kinds.begin(), sub.kinds.end(), kind) != sub.kinds.end();
}

UnixMicros RetryDelay(int64_t attempts, UnixMicros first_retry) {
  UnixMicros delay = std::max<UnixMicros>(first_retry, 1);
  for (int64_t i = 1; i < attempts && delay < kAlertRetryCap; ++i) delay *= 2;
  return std::min(delay, kAlertRetryCap);
}

std::string WebhookSignature(std::string_view secret, int64_t timestamp_s, std::string_view body) {
  const std::string signed_text = std::to_string(timestamp_s) + "." + std::string(body);
  return "sha256=" + crypto::Hex(crypto::HmacSha256(secret, signed_text));
}

std::string_view AlertLink(std::string_view kind) {
  if (kind == "arrears") return "#/overview";
  if (kind == "spend_guard") return "#/spend-guard";
  if (kind == "free_pack") return "#/free-packs";
  if (kind == "pack_expiring") return "#/packs";
  if (kind == "bill_settled") return "#/bills";
  return "#/notices";
}

std::string WebhookBody(const TenantNotice& n, std::string_view account_id, std::string_view key,
                        std::string_view link, std::string_view at) {
  nlohmann::json notice = {{"Kind", n.kind},
                           {"Level", n.level},
                           {"At", at},
                           {"Subject", n.subject},
                           {"Percent", n.percent},
                           {"Used", n.used},
                           {"Quota", n.quota},
                           {"Amount", FormatYuan(n.amount)},
                           {"Limit", FormatYuan(n.limit)},
                           {"Action", n.action},
                           {"Message", n.message}};
  return nlohmann::json{{"AccountId", account_id}, {"Key", key}, {"Link", link}, {"Notice", notice}}
      .dump();
}

namespace {

std::string Describe(const TenantNotice& n, bool zh) {
  const std::string pct = std::to_string(n.percent) + " %";
  if (n.kind == "arrears")
    return zh ? "账户欠费 " + FormatYuan(n.amount) + " 元，请充值。"
              : "The account is in arrears: " + FormatYuan(n.amount) +
                    " yuan owed. Please recharge.";
  if (n.kind == "spend_guard")
    return zh ? "本月后付费支出已达预算的 " + pct + "（" + FormatYuan(n.amount) + " / " +
                    FormatYuan(n.limit) + " 元）。"
              : "This month's post-paid spend has reached " + pct + " of the budget (" +
                    FormatYuan(n.amount) + " of " + FormatYuan(n.limit) + " yuan).";
  if (n.kind == "free_pack")
    return zh ? "免费额度 " + n.subject + " 已用 " + pct + "（" + std::to_string(n.used) + " / " +
                    std::to_string(n.quota) + " 次）。"
              : "The free pack " + n.subject + " is " + pct + " used (" + std::to_string(n.used) +
                    " of " + std::to_string(n.quota) + " calls).";
  if (n.kind == "pack_expiring")
    return zh ? "资源包 " + n.subject + "（" + n.action + "）即将过期，剩余 " +
                    std::to_string(n.quota - n.used) + " 次。"
              : "The pack " + n.subject + " (" + n.action + ") expires soon with " +
                    std::to_string(n.quota - n.used) + " calls left.";
  if (n.kind == "bill_settled")
    return zh ? n.subject + " 账单已结算：" + FormatYuan(n.amount) + " 元。"
              : "The bill for " + n.subject + " is settled: " + FormatYuan(n.amount) + " yuan.";
  return (zh ? "价格目录变更：" : "Price catalog change: ") + n.message;
}

}  // namespace

AlertText EmailText(const TenantNotice& n, std::string_view language, std::string_view link,
                    std::string_view at) {
  const bool zh = language == "zh-CN";
  const std::string what = Describe(n, zh);
  AlertText out;
  out.subject = (zh ? "[看见] " : "[Kanjian] ") + what;
  out.text = what + "\r\n\r\n" + (zh ? "时间：" : "When: ") + std::string(at) + "\r\n" +
             (zh ? "处理：" : "Act here: ") + std::string(link) + "\r\n";
  return out;
}

}  // namespace kanjian::billing
