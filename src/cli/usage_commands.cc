// kanjian usage list ACCOUNT [--from ISO] [--to ISO]
#include <limits>

#include "cli/commands.h"
#include "common/iso8601.h"

namespace kanjian::cli {

void AddUsageCommands(CLI::App& app, Context& ctx, int* rc) {
  auto* usage = app.add_subcommand("usage", "metered (billed) API calls");
  usage->require_subcommand(1);
  // Owned by the callbacks (so by the app), fresh for every parse.
  struct Flags {
    std::string account, from, to;
  };
  auto f = std::make_shared<Flags>();
  auto* list = usage->add_subcommand("list", "every metered call of an account, oldest first");
  list->add_option("ACCOUNT", f->account, "AccountId or name")->required();
  list->add_option("--from", f->from, "ISO 8601, inclusive");
  list->add_option("--to", f->to, "ISO 8601, exclusive");
  list->callback([&ctx, rc, f] {
    *rc = [&] {
      UnixMicros lo = std::numeric_limits<UnixMicros>::min();
      UnixMicros hi = std::numeric_limits<UnixMicros>::max();
      for (auto [text, out] : {std::pair{&f->from, &lo}, std::pair{&f->to, &hi}}) {
        if (text->empty()) continue;
        auto t = ParseIso8601(*text, kDisplayOffsetSeconds);
        if (!t.ok()) return ctx.Fail(t.status());
        *out = *t;
      }
      auto store = ctx.store();
      if (!store.ok()) return ctx.Fail(store.status());
      auto found = (*store)->FindAccount(f->account);
      if (!found.ok()) return ctx.Fail(found.status());
      auto records = (*store)->ListUsage(found->id, lo, hi);
      if (!records.ok()) return ctx.Fail(records.status());
      nlohmann::json out = nlohmann::json::array();
      std::string text;
      for (const auto& r : *records) {
        out.push_back({{"RequestId", r.request_id},
                       {"Action", r.action},
                       {"At", FormatTime(r.at)},
                       {"Quantity", r.quantity},
                       {"Source", store::ToString(r.source)},
                       {"PackId", r.pack_id}});
        text += FormatTime(r.at) + "  " + r.action + "  " + r.request_id + "\n";
      }
      text += std::to_string(records->size()) + " calls";
      return ctx.Print({{"Records", out}}, text);
    }();
  });
}

}  // namespace kanjian::cli
