// The tenant console's words, Chinese by default; English with the header's
// switch (remembered in localStorage). The operator console shares the
// switch, the error table and the number formats.
import table from "./error_messages.json" with { type: "json" };

const dict = {
  zh: {
    title: "看见 控制台", lang: "English", logout: "退出登录", login: "登录", loginName: "登录名", password: "密码",
    overview: "概览", freePacks: "免费额度", usage: "用量", packs: "资源包", bills: "账单", keys: "API 密钥",
    status: "状态", active: "正常", arrears: "欠费", disabled: "已停用", inactive: "未开通",
    bannerArrears: "账户已欠费，API 调用已暂停。请充值至余额不小于 0，服务将立即恢复。",
    bannerDisabled: "账户已被运营方停用，API 调用已暂停。请联系运营方。",
    bannerInactive: "服务尚未开通，请联系运营方开通。",
    balance: "余额", cash: "现金", income: "收益转入", gift: "赠送金", total: "合计", vouchers: "代金券",
    voucherId: "代金券 ID", amount: "面额", billAmount: "金额（元）", remaining: "剩余", expiresAt: "到期时间", none: "无",
    thisMonth: "本月", costSoFar: "本月至今费用（元）", forecast: "月末预测（元）",
    month: "月份", group: "额度组", actions: "接口", used: "已用", quota: "额度",
    day: "日期", action: "接口", free: "免费", pack: "资源包", postpaid: "后付费", downloadCsv: "下载 CSV",
    sku: "可购买的资源包", calls: "次数", price: "价格（元）", validity: "有效期（月）", buy: "购买",
    myPacks: "我的资源包", kind: "类型", purchased: "购买", giftPack: "赠送", createdAt: "购买时间", keyCreatedAt: "创建时间",
    refund: "退款", refunded: "已退款", refundUntil: "无理由退款截止", bought: "购买成功",
    refundDone: "退款成功", windowEnds: "窗口截止", confirmBuy: "确认购买该资源包？",
    bill: "账单", quantity: "数量", tier: "阶梯", unitPrice: "单价（元/千次）", settled: "已结算",
    open: "本月进行中", future: "尚未开始", past: "待出账", unsettled: "待结算", paidBy: "支付来源", print: "打印",
    secretId: "SecretId", createdKey: "新密钥已创建。SecretKey 只显示这一次，请立即保存：",
    createKey: "新建密钥", rotate: "轮换", disable: "停用", enable: "启用", enabled: "已启用",
    months: "个月", error: "出错了", load: "查询",
    notices: "通知", noNotices: "暂无通知。", level_critical: "紧急", level_warning: "提醒", level_info: "消息",
    noticeArrears: "账户已欠费 {amount} 元，API 调用已暂停。请充值。",
    noticeSpend: "本月后付费已达预算的 {percent}%（{spent} / {limit} 元）。达到 100% 后，后付费调用将被拒绝（ResourceUnavailable.SpendGuard）。",
    noticeFree80: "免费额度 {group} 已用 {percent}%（{used} / {quota} 次）。",
    noticeFree100: "免费额度 {group} 已用完（{used} / {quota} 次），后续调用将按资源包或后付费计费。",
    noticePackExpiring: "资源包 {pack}（{action}）将于 {at} 到期，剩余 {left} 次。",
    noticeCatalog: "价目变更通知",
    spendGuard: "消费保护", budget: "月度后付费预算（元）", noBudget: "未设置", spentPostpaid: "本月后付费",
    spendGuardHelp: "设置后，本月后付费金额达到预算时，会产生后付费的调用将返回错误 ResourceUnavailable.SpendGuard 且不计费；免费额度和资源包内的调用不受影响。在 50%、80%、100% 时发出通知。",
    budgetYuan: "预算（元）", save: "保存", saved: "已保存", budgetOff: "关闭消费保护",
    requestIds: "请求 ID", time: "时间", source: "来源", hour: "小时", more: "更多",
    lastUsed: "最近使用", never: "从未使用", payWith: "支付方式", payBalance: "账户余额", voucher: "代金券",
    skip: "跳到正文", drill: "用量明细", menu: "菜单", refresh: "刷新", rowActions: "操作", copy: "复制", copied: "已复制", dismiss: "我已保存，关闭",
    confirm: "确认", cancel: "取消", confirmTitleBuy: "确认购买资源包", confirmBuyOk: "确认支付",
    payFrom: "支付来源", priceLabel: "价格", validityLabel: "有效期", unitPriceCall: "折合单价", refundAmount: "退款金额", refundTerms: "退款规则",
    refundTermsYes: "购买后 {days} 天内、未使用的资源包可无理由退款，原路退回。",
    refundTermsNo: "该资源包不支持无理由退款。",
    confirmTitleRefund: "确认退款", refundTo: "退回至", refundToSource: "原支付来源（余额或代金券）",
    refundConsequence: "资源包立即失效，剩余次数不可再用。",
    confirmTitleCreateKey: "确认新建密钥", createKeyConsequence: "将生成一对新的 SecretId / SecretKey，SecretKey 只显示一次。",
    confirmTitleRotate: "确认轮换密钥", rotateConsequence: "旧密钥 {id} 立即失效，使用它的程序将收到 AuthFailure.SecretIdNotFound；新 SecretKey 只显示一次。",
    confirmTitleDisable: "确认停用密钥", disableConsequence: "密钥 {id} 立即停用，使用它的调用将被拒绝，直到重新启用。",
    confirmTitleEnable: "确认启用密钥", enableConsequence: "密钥 {id} 将重新可以调用 API。",
    confirmTitleBudget: "确认修改消费保护", budgetConsequence: "本月后付费达到 {budget} 元后，会产生后付费的调用将被拒绝。",
    budgetOffConsequence: "关闭后，后付费调用不再受预算限制。",
    sessionLost: "登录已过期，请重新登录；页面和已填写的内容会保留，登录后继续刚才的操作。",
    sessionPaused: "登录已过期，数据已停止刷新。",
    signInAgain: "重新登录",
    yuan: "元", perCall: "元/次", callsUnit: "次", per1000: "元/千次",
    spendThisMonth: "本月支出（元）", spendUsage: "用量费用", spendPacks: "资源包购买", costByAction: "按接口的费用",
    freeRemaining: "免费额度剩余", resetsOn: "{date} 重置", left: "剩余",
    forecastTip: "预测方法：每个接口按本月至今的调用速度推算到月末，超出的调用先由剩余的免费额度和资源包抵扣，其余按现行阶梯价计为后付费。",
    forecastVsCap: "预算 {cap} 元，预计 {pct}%", forecastNoCap: "未设置消费保护预算",
    latestNotices: "最新通知", issuedAt: "发布于", currentState: "当前状态", goAct: "去处理",
    since: "始于", alerts: "提醒订阅", alertsHelp: "通知发生时，通过邮件和/或 Webhook 告知您（每条通知每个渠道只发一次）。Webhook 为带 HMAC-SHA256 签名的 POST 请求，失败后按退避重试。两项都留空即取消订阅。",
    alertEmail: "邮箱", alertWebhook: "Webhook 地址", alertLanguage: "邮件语言", alertKinds: "通知类型",
    alertSecret: "Webhook 签名密钥", alertNewSecret: "更换签名密钥", alertLog: "最近投递", alertNoDeliveries: "暂无投递。",
    alertChannel: "渠道", alertNotice: "通知", alertTarget: "目标", alertStatus: "状态", alertAttempts: "尝试次数",
    alertResult: "最近结果", alertNextRetry: "下次重试", channel_email: "邮件", channel_webhook: "Webhook",
    delivery_pending: "待重试", delivery_delivered: "已送达", delivery_failed: "失败",
    kind_free_pack: "免费额度", kind_pack_expiring: "资源包到期", kind_spend_guard: "消费保护", kind_arrears: "欠费",
    kind_bill_settled: "账单结算", kind_catalog_change: "价目变更",
    alertStep: "已发通知档位",
  },
  en: {
    title: "Kanjian console", lang: "中文", logout: "Sign out", login: "Sign in", loginName: "Login", password: "Password",
    overview: "Overview", freePacks: "Free packs", usage: "Usage", packs: "Resource packs", bills: "Bills", keys: "API keys",
    status: "Status", active: "active", arrears: "in arrears", disabled: "disabled", inactive: "not activated",
    bannerArrears: "Your account is in arrears and API calls are suspended. Recharge to a balance of at least 0 and service resumes at once.",
    bannerDisabled: "Your account was disabled by the operator and API calls are suspended. Contact the operator.",
    bannerInactive: "The service is not activated yet. Ask the operator to activate it.",
    balance: "Balance", cash: "Cash", income: "Income", gift: "Gift", total: "Total", vouchers: "Vouchers",
    voucherId: "Voucher", amount: "Face value", billAmount: "Amount (CNY)", remaining: "Remaining", expiresAt: "Expires", none: "none",
    thisMonth: "This month", costSoFar: "Cost so far (CNY)", forecast: "Month-end forecast (CNY)",
    month: "Month", group: "Group", actions: "Actions", used: "Used", quota: "Quota",
    day: "Day", action: "Action", free: "Free", pack: "Pack", postpaid: "Post-paid", downloadCsv: "Download CSV",
    sku: "Packs for sale", calls: "Calls", price: "Price (CNY)", validity: "Validity (months)", buy: "Buy",
    myPacks: "My packs", kind: "Kind", purchased: "purchased", giftPack: "gift", createdAt: "Bought", keyCreatedAt: "Created",
    refund: "Refund", refunded: "refunded", refundUntil: "No-reason refund until", bought: "Pack bought",
    refundDone: "Refunded", windowEnds: "window ends", confirmBuy: "Buy this pack?",
    bill: "Bill", quantity: "Quantity", tier: "Tier", unitPrice: "Unit price (CNY/1000)", settled: "settled",
    open: "month running", future: "not started yet", past: "awaiting billing", unsettled: "awaiting settlement", paidBy: "Paid by", print: "Print",
    secretId: "SecretId", createdKey: "New key created. The SecretKey is shown only now; save it:",
    createKey: "Create key", rotate: "Rotate", disable: "Disable", enable: "Enable", enabled: "enabled",
    months: "months", error: "Error", load: "Show",
    notices: "Notices", noNotices: "No notices.", level_critical: "urgent", level_warning: "warning", level_info: "info",
    noticeArrears: "The account owes {amount} CNY and API calls are suspended. Please recharge.",
    noticeSpend: "This month's post-paid spend is at {percent}% of the budget ({spent} / {limit} CNY). At 100 %, calls that would be post-paid are refused (ResourceUnavailable.SpendGuard).",
    noticeFree80: "Free pack {group} is {percent}% used ({used} / {quota} calls).",
    noticeFree100: "Free pack {group} is used up ({used} / {quota} calls); further calls draw on resource packs or are post-paid.",
    noticePackExpiring: "Resource pack {pack} ({action}) expires at {at} with {left} calls left.",
    noticeCatalog: "Price catalog change",
    spendGuard: "Spend guard", budget: "Monthly post-paid budget (CNY)", noBudget: "not set", spentPostpaid: "Post-paid this month",
    spendGuardHelp: "Once this month's post-paid amount reaches the budget, calls that would be post-paid answer ResourceUnavailable.SpendGuard and are not billed; calls paid by free or resource packs still pass. Notices at 50 %, 80 % and 100 %.",
    budgetYuan: "Budget (CNY)", save: "Save", saved: "Saved", budgetOff: "Turn the spend guard off",
    requestIds: "RequestIds", time: "Time", source: "Source", hour: "Hour", more: "More",
    lastUsed: "Last used", never: "never", payWith: "Pay with", payBalance: "balance", voucher: "voucher",
    skip: "Skip to content", drill: "Usage detail", menu: "Menu", refresh: "Refresh", rowActions: "Actions", copy: "Copy", copied: "Copied", dismiss: "I saved it, close",
    confirm: "Confirm", cancel: "Cancel", confirmTitleBuy: "Buy this resource pack?", confirmBuyOk: "Pay now",
    payFrom: "Paid from", priceLabel: "Price", validityLabel: "Validity", unitPriceCall: "Per call", refundAmount: "Refund", refundTerms: "Refund terms",
    refundTermsYes: "An unused pack can be refunded without reason within {days} days of purchase, to where it was paid from.",
    refundTermsNo: "This pack cannot be refunded.",
    confirmTitleRefund: "Refund this pack?", refundTo: "Refunded to", refundToSource: "where it was paid from (balance or voucher)",
    refundConsequence: "The pack ends at once; its remaining calls cannot be used.",
    confirmTitleCreateKey: "Create a key?", createKeyConsequence: "A new SecretId / SecretKey pair is made; the SecretKey is shown only once.",
    confirmTitleRotate: "Rotate this key?", rotateConsequence: "The old key {id} stops working at once (callers get AuthFailure.SecretIdNotFound); the new SecretKey is shown only once.",
    confirmTitleDisable: "Disable this key?", disableConsequence: "Key {id} is refused at once until it is enabled again.",
    confirmTitleEnable: "Enable this key?", enableConsequence: "Key {id} can call the API again.",
    confirmTitleBudget: "Change the spend guard?", budgetConsequence: "Once this month's post-paid spend reaches {budget} CNY, calls that would be post-paid are refused.",
    budgetOffConsequence: "Post-paid calls are no longer limited by a budget.",
    sessionLost: "Your session has expired. Sign in again: the page and what you typed stay, and the action you started continues.",
    sessionPaused: "Session expired: figures are no longer refreshed.",
    signInAgain: "Sign in again",
    yuan: "CNY", perCall: "CNY/call", callsUnit: "calls", per1000: "CNY/1000 calls",
    spendThisMonth: "Spent this month (CNY)", spendUsage: "usage", spendPacks: "pack purchases", costByAction: "Cost by action",
    freeRemaining: "Free packs remaining", resetsOn: "resets {date}", left: "left",
    forecastTip: "Forecast: each action's calls so far, projected to the month's end at the same pace; the extra calls are covered first by what is left in free and resource packs, the rest is priced post-paid at the current tiers.",
    forecastVsCap: "{pct}% of the {cap} CNY budget", forecastNoCap: "no spend-guard budget set",
    latestNotices: "Latest notices", issuedAt: "issued", currentState: "current state", goAct: "Go there",
    since: "since", alerts: "Alerts", alertsHelp: "Be told by e-mail and/or webhook when a notice happens (each notice once per channel). A webhook is a POST signed with HMAC-SHA256, retried with backoff when it fails. Leave both empty to unsubscribe.",
    alertEmail: "E-mail", alertWebhook: "Webhook URL", alertLanguage: "E-mail language", alertKinds: "Notice kinds",
    alertSecret: "Webhook signing secret", alertNewSecret: "New signing secret", alertLog: "Latest deliveries", alertNoDeliveries: "No deliveries yet.",
    alertChannel: "Channel", alertNotice: "Notice", alertTarget: "Target", alertStatus: "Status", alertAttempts: "Attempts",
    alertResult: "Last result", alertNextRetry: "Next retry", channel_email: "e-mail", channel_webhook: "webhook",
    delivery_pending: "retrying", delivery_delivered: "delivered", delivery_failed: "failed",
    kind_free_pack: "free pack", kind_pack_expiring: "pack expiring", kind_spend_guard: "spend guard", kind_arrears: "arrears",
    kind_bill_settled: "bill settled", kind_catalog_change: "catalog change",
    alertStep: "Alert step reached",
  },
};

// Every error code the server answers with, in both languages: one table,
// error_messages.json (imported above), which the server also compiles in to answer API
// callers who ask for X-TC-Language: zh-CN. The server's own message
// (English, with the figures) goes to the element's title.
export const errorMessages = { zh: {}, en: {} };
for (const [code, words] of Object.entries(table)) {
  errorMessages.zh[code] = words.zh;
  errorMessages.en[code] = words.en;
}

// Chinese by default; English with the header's switch (remembered in localStorage).
export let lang = globalThis.localStorage?.getItem("lang") === "en" ? "en" : "zh";
export function t(key) { return dict[lang][key] ?? key; }
// t(key) with {name} placeholders filled from `values`.
export function fmt(key, values) { return t(key).replace(/\{(\w+)\}/g, (_, k) => String(values[k] ?? "")); }
export function toggleLang() {
  lang = lang === "zh" ? "en" : "zh";
  localStorage.setItem("lang", lang);
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
}
// An API error in the UI's language; an error without a known code keeps
// its own message (a network failure, a file that is not JSON).
export function errorText(e) {
  return errorMessages[lang][e?.code] ?? (e?.message || String(e));
}

// Numbers and money. Amounts arrive as exact decimal strings ("1234.50");
// they are only regrouped, never turned into floating point.
const group = (digits) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
export function num(n) {
  const s = String(n ?? "");
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(s);
  return m ? `${m[1]}${group(m[2])}${m[3] ?? ""}` : s;
}
// "1234.50" → "1,234.50 元" / "CNY 1,234.50".
export function yuan(amount) {
  if (amount === null || amount === undefined || amount === "") return "—";
  return lang === "zh" ? `${num(amount)} 元` : `CNY ${num(amount)}`;
}
