#include "server/address_policy.h"
#include "common/ascii.h"

#include <arpa/inet.h>

#include <cstdint>
#include <cstring>

namespace kanjian::server {
namespace {

bool Ipv4Allowed(uint32_t a, bool allow_loopback) {
  auto in = [a](uint32_t net, int bits) {
    const uint32_t mask = bits == 0 ? 0 : ~uint32_t(0) << (32 - bits);
    return (a & mask) == net;
  };
  if (in(0x7F000000, 8)) return allow_loopback;  // 127/8 loopback
  return !(in(0x00000000, 8) ||                  // "this network", 0.0.0.0
           in(0x0A000000, 8) ||                  // 10/8 private
           in(0x64400000, 10) ||                 // 100.64/10 carrier-grade NAT
           in(0xA9FE0000, 16) ||                 // 169.254/16 link-local, cloud metadata
           in(0xAC100000, 12) ||                 // 172.16/12 private
           in(0xC0000000, 24) ||                 // 192.0.0/24 IETF protocol assignments
           in(0xC0000200, 24) ||                 // 192.0.2/24 TEST-NET-1
           in(0xC0586300, 24) ||                 // 192.88.99/24 6to4 relay
           in(0xC0A80000, 16) ||                 // 192.168/16 private
           in(0xC6120000, 15) ||                 // 198.18/15 benchmarking
           in(0xC6336400, 24) ||                 // 198.51.100/24 TEST-NET-2
           in(0xCB007100, 24) ||                 // 203.0.113/24 TEST-NET-3
           in(0xE0000000, 4) ||                  // 224/4 multicast
           in(0xF0000000, 4));                   // 240/4 reserved, 255.255.255.255
}

bool Ipv6Allowed(const uint8_t b[16], bool allow_loopback) {
  static const uint8_t kLoopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  static const uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  if (std::memcmp(b, kLoopback, 16) == 0) return allow_loopback;
  if (std::memcmp(b, kMappedPrefix, 12) == 0) {  // ::ffff:a.b.c.d: judge the IPv4 address
    const uint32_t v4 =
        uint32_t(b[12]) << 24 | uint32_t(b[13]) << 16 | uint32_t(b[14]) << 8 | b[15];
    return Ipv4Allowed(v4, allow_loopback);
  }
  // Only global unicast 2000::/3 (this excludes ::, ::a.b.c.d, fc00::/7 incl.
  // fd00::/8, fe80::/10, fec0::/10, ff00::/8, 64:ff9b::/96, 100::/64) …
  if ((b[0] & 0xE0) != 0x20) return false;
  // … minus the ranges inside it that tunnel to or stand for other addresses.
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00)
    return false;  // Teredo 2001::/32
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8)
    return false;                                  // 2001:db8::/32 docs
  if (b[0] == 0x20 && b[1] == 0x02) return false;  // 6to4 2002::/16
  return true;
}

}  // namespace

bool HostAllowed(std::string_view host_in, const std::vector<std::string>& allow) {
  std::string host = AsciiLower(host_in);
  if (!host.empty() && host.back() == '.') host.pop_back();
  if (host.empty()) return false;
  for (const std::string& entry_in : allow) {
    std::string entry = AsciiLower(entry_in);
    if (!entry.empty() && entry.back() == '.') entry.pop_back();
    if (entry.empty()) continue;
    if (entry == "*") return true;
    if (entry.front() == '.') {
      if (host.size() > entry.size() &&
          host.compare(host.size() - entry.size(), entry.size(), entry) == 0)
        return true;
    } else if (host == entry) {
      return true;
    }
  }
  return false;
}

bool AddressAllowed(const sockaddr* address, bool allow_loopback) {
  if (address->sa_family == AF_INET) {
    return Ipv4Allowed(ntohl(reinterpret_cast<const sockaddr_in*>(address)->sin_addr.s_addr),
                       allow_loopback);
  }
  if (address->sa_family == AF_INET6) {
    return Ipv6Allowed(reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr.s6_addr,
                       allow_loopback);
  }
  return false;
}

bool AddressTextAllowed(const std::string& numeric, bool allow_loopback) {
  sockaddr_in v4{};
  sockaddr_in6 v6{};
  if (inet_pton(AF_INET, numeric.c_str(), &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    return AddressAllowed(reinterpret_cast<sockaddr*>(&v4), allow_loopback);
  }
  if (inet_pton(AF_INET6, numeric.c_str(), &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    return AddressAllowed(reinterpret_cast<sockaddr*>(&v6), allow_loopback);
  }
  return false;
}

}  // namespace kanjian::server
