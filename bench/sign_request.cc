// Prints a wrk Lua script that sends one TC3-signed API 3.0 request (for
// bench/signed_rps.sh): the signature is made here with the same signer the
// tests use (src/protocol/tc3.h), for the current second. The server checks
// it on every request; without `serve --replay-protection` (the default) a
// signed request may be sent again within its 5-minute window, so one
// signature serves a whole run. The script counts answers that are not a
// success (the API answers errors with HTTP 200 and an Error object).
//   sign_request SECRET_ID SECRET_KEY ACTION VERSION [BODY]  > request.lua
#include <cstdio>
#include <ctime>
#include <string>

#include "protocol/tc3.h"

namespace {

// A Lua long string that cannot end early inside `text`.
std::string LuaString(const std::string& text) {
  std::string level;
  while (text.find("]" + level + "]") != std::string::npos) level += "=";
  return "[" + level + "[" + text + "]" + level + "]";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: sign_request SECRET_ID SECRET_KEY ACTION VERSION [BODY]\n");
    return 2;
  }
  const std::string secret_id = argv[1], secret_key = argv[2], action = argv[3], version = argv[4],
                    body = argc > 5 ? argv[5] : "{}";
  const int64_t now = std::time(nullptr);
  kanjian::protocol::SignedRequest r;
  r.method = "POST";
  r.headers = {{"content-type", "application/json"}, {"host", "127.0.0.1"}};
  r.body = body;
  const std::string service = version == "2018-07-09" ? "billing" : "tiia";
  const std::string auth =
      kanjian::protocol::SignAuthorization(r, secret_id, secret_key, service, now);
  std::printf("wrk.method = \"POST\"\nwrk.body = %s\n", LuaString(body).c_str());
  const std::pair<const char*, std::string> headers[] = {{"Content-Type", "application/json"},
                                                         {"Host", "127.0.0.1"},
                                                         {"Authorization", auth},
                                                         {"X-TC-Action", action},
                                                         {"X-TC-Version", version},
                                                         {"X-TC-Timestamp", std::to_string(now)}};
  for (const auto& [name, value] : headers)
    std::printf("wrk.headers[\"%s\"] = %s\n", name, LuaString(value).c_str());
  // Per-thread failure counts, summed in done() (wrk runs each thread's
  // script in its own Lua state).
  std::printf(R"(failures = 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function response(status, headers, body)
  if status ~= 200 or body:find('"Error"', 1, true) then
    failures = failures + 1
    if failures == 1 then io.stderr:write(body .. "\n") end
  end
end
function done(summary, latency, requests)
  local failed = 0
  for _, t in ipairs(threads) do failed = failed + t:get("failures") end
  io.write(string.format('{"requests":%%d,"seconds":%%.2f,"rps":%%.2f,"failed":%%d,'
    .. '"p50_ms":%%.2f,"p99_ms":%%.2f}\n', summary.requests, summary.duration / 1e6,
    summary.requests / (summary.duration / 1e6), failed, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000))
end
)");
  return 0;
}
