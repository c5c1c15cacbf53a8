// Chinese by default; English with the header's switch (remembered in localStorage).
const dict = {
  zh: {
    title: "看见 控制台", lang: "English", logout: "退出登录", login: "登录", loginName: "登录名", password: "密码",
    overview: "概览", freePacks: "免费额度", usage: "用量", packs: "资源包", bills: "账单", keys: "API 密钥",
    status: "状态", active: "正常", arrears: "欠费", disabled: "已停用", inactive: "未开通",
    bannerArrears: "账户已欠费，API 调用已暂停。请充值至余额不小于 0，服务将立即恢复。",
    bannerDisabled: "账户已被运营方停用，API 调用已暂停。请联系运营方。",
    bannerInactive: "服务尚未开通，请联系运营方开通。",
    balance: "余额", cash: "现金", income: "收益转入", gift: "赠送金", total: "合计", vouchers: "代金券",
    voucherId: "代金券 ID", amount: "面额", remaining: "剩余", expiresAt: "到期时间", none: "无",
    thisMonth: "本月", costSoFar: "本月至今费用（元）", forecast: "月末预测（元）",
    month: "月份", group: "额度组", actions: "接口", used: "已用", quota: "额度",
    day: "日期", action: "接口", free: "免费", pack: "资源包", postpaid: "后付费", downloadCsv: "下载 CSV",
    sku: "可购买的资源包", calls: "次数", price: "价格（元）", validity: "有效期（月）", buy: "购买",
    myPacks: "我的资源包", kind: "类型", purchased: "购买", giftPack: "赠送", createdAt: "购买时间",
    refund: "退款", refunded: "已退款", refundUntil: "无理由退款截止", bought: "购买成功",
    refundDone: "退款成功", windowEnds: "窗口截止", confirmBuy: "确认购买该资源包？",
    bill: "账单", quantity: "数量", tier: "阶梯", unitPrice: "单价（元/千次）", settled: "已结算",
    open: "本月进行中", unsettled: "待结算", paidBy: "支付来源", print: "打印",
    secretId: "SecretId", createdKey: "新密钥已创建。SecretKey 只显示这一次，请立即保存：",
    createKey: "新建密钥", rotate: "轮换", disable: "停用", enable: "启用", enabled: "已启用",
    months: "个月", error: "出错了", load: "查询",
  },
  en: {
    title: "Kanjian console", lang: "中文", logout: "Sign out", login: "Sign in", loginName: "Login", password: "Password",
    overview: "Overview", freePacks: "Free packs", usage: "Usage", packs: "Resource packs", bills: "Bills", keys: "API keys",
    status: "Status", active: "active", arrears: "in arrears", disabled: "disabled", inactive: "not activated",
    bannerArrears: "Your account is in arrears and API calls are suspended. Recharge to a balance of at least 0 and service resumes at once.",
    bannerDisabled: "Your account was disabled by the operator and API calls are suspended. Contact the operator.",
    bannerInactive: "The service is not activated yet. Ask the operator to activate it.",
    balance: "Balance", cash: "Cash", income: "Income", gift: "Gift", total: "Total", vouchers: "Vouchers",
    voucherId: "Voucher", amount: "Amount", remaining: "Remaining", expiresAt: "Expires", none: "none",
    thisMonth: "This month", costSoFar: "Cost so far (CNY)", forecast: "Month-end forecast (CNY)",
    month: "Month", group: "Group", actions: "Actions", used: "Used", quota: "Quota",
    day: "Day", action: "Action", free: "Free", pack: "Pack", postpaid: "Post-paid", downloadCsv: "Download CSV",
    sku: "Packs for sale", calls: "Calls", price: "Price (CNY)", validity: "Validity (months)", buy: "Buy",
    myPacks: "My packs", kind: "Kind", purchased: "purchased", giftPack: "gift", createdAt: "Bought",
    refund: "Refund", refunded: "refunded", refundUntil: "No-reason refund until", bought: "Pack bought",
    refundDone: "Refunded", windowEnds: "window ends", confirmBuy: "Buy this pack?",
    bill: "Bill", quantity: "Quantity", tier: "Tier", unitPrice: "Unit price (CNY/1000)", settled: "settled",
    open: "month running", unsettled: "awaiting settlement", paidBy: "Paid by", print: "Print",
    secretId: "SecretId", createdKey: "New key created. The SecretKey is shown only now; save it:",
    createKey: "Create key", rotate: "Rotate", disable: "Disable", enable: "Enable", enabled: "enabled",
    months: "months", error: "Error", load: "Show",
  },
};

export let lang = localStorage.getItem("lang") === "en" ? "en" : "zh";
export function t(key) { return dict[lang][key] ?? key; }
export function toggleLang() {
  lang = lang === "zh" ? "en" : "zh";
  localStorage.setItem("lang", lang);
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
}
