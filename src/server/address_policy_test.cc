#include "server/address_policy.h"

#include <gtest/gtest.h>

namespace kanjian::server {
namespace {

TEST(AddressPolicyTest, RefusesEveryNonPublicAddress) {
  for (const char* a : {"127.0.0.1",
                        "127.255.0.9",
                        "0.0.0.0",
                        "0.1.2.3",
                        "10.0.0.1",
                        "10.255.255.255",
                        "100.64.0.1",
                        "100.127.255.254",
                        "169.254.169.254",
                        "169.254.0.1",
                        "172.16.0.1",
                        "172.31.255.255",
                        "192.168.1.1",
                        "192.0.0.8",
                        "192.0.2.1",
                        "198.18.0.1",
                        "198.51.100.7",
                        "203.0.113.9",
                        "224.0.0.1",
                        "239.255.255.250",
                        "240.0.0.1",
                        "255.255.255.255",
                        "::",
                        "::1",
                        "::ffff:127.0.0.1",
                        "::ffff:169.254.169.254",
                        "::ffff:10.1.2.3",
                        "::127.0.0.1",
                        "fd00::1",
                        "fd00:ec2::254",
                        "fc00::1",
                        "fe80::1",
                        "fec0::1",
                        "ff02::1",
                        "64:ff9b::a9fe:a9fe",
                        "100::1",
                        "2001::1",
                        "2001:db8::1",
                        "2002:a9fe:a9fe::1"}) {
    EXPECT_FALSE(AddressTextAllowed(a, /*allow_loopback=*/false)) << a;
  }
  EXPECT_FALSE(AddressTextAllowed("not an address", false));
}

TEST(AddressPolicyTest, AcceptsPublicAddresses) {
  for (const char* a : {"1.1.1.1", "8.8.8.8", "93.184.216.34", "172.32.0.1", "172.15.255.255",
                        "100.128.0.1", "169.255.0.1", "192.169.0.1", "2606:4700::1111",
                        "2a00:1450:4001::200e", "::ffff:8.8.8.8"}) {
    EXPECT_TRUE(AddressTextAllowed(a, false)) << a;
  }
}

TEST(AddressPolicyTest, TestFlagAdmitsLoopbackOnly) {
  EXPECT_TRUE(AddressTextAllowed("127.0.0.1", true));
  EXPECT_TRUE(AddressTextAllowed("::1", true));
  for (const char* a : {"169.254.169.254", "10.0.0.1", "192.168.0.1", "0.0.0.0", "fd00::1", "::"})
    EXPECT_FALSE(AddressTextAllowed(a, true)) << a;
}

TEST(AddressPolicyTest, AllowListMatching) {
  const std::vector<std::string> allow = {"img.example.com", ".cdn.example.net"};
  EXPECT_TRUE(HostAllowed("img.example.com", allow));
  EXPECT_TRUE(HostAllowed("IMG.Example.COM.", allow));
  EXPECT_TRUE(HostAllowed("a.b.cdn.example.net", allow));
  EXPECT_FALSE(HostAllowed("cdn.example.net", allow));  // ".x" means below x only
  EXPECT_FALSE(HostAllowed("evilcdn.example.net", allow));
  EXPECT_FALSE(HostAllowed("img.example.com.evil.org", allow));
  EXPECT_FALSE(HostAllowed("example.com", allow));
  EXPECT_FALSE(HostAllowed("anything", {}));
  EXPECT_TRUE(HostAllowed("anything.org", {"*"}));
}

TEST(AddressPolicyTest, JudgesSocketAddressesLikeTheirText) {
  sockaddr_in metadata{};
  metadata.sin_family = AF_INET;
  metadata.sin_addr.s_addr = htonl(0xA9FEA9FE);  // 169.254.169.254
  EXPECT_FALSE(AddressAllowed(reinterpret_cast<const sockaddr*>(&metadata), true));
  sockaddr_in public_v4 = metadata;
  public_v4.sin_addr.s_addr = htonl(0x08080808);  // 8.8.8.8
  EXPECT_TRUE(AddressAllowed(reinterpret_cast<const sockaddr*>(&public_v4), false));
  sockaddr unix_socket{};
  unix_socket.sa_family = AF_UNIX;
  EXPECT_FALSE(AddressAllowed(&unix_socket, true));  // neither IPv4 nor IPv6
}

TEST(AddressPolicyTest, EmptyOrBlankEntriesMatchNothing) {
  EXPECT_FALSE(HostAllowed("", {"*"}));
  EXPECT_FALSE(HostAllowed(".", {"*"}));
  EXPECT_FALSE(HostAllowed("example.com", {"", "."}));
  EXPECT_TRUE(HostAllowed("example.com", {"", "EXAMPLE.com."}));
}

}  // namespace
}  // namespace kanjian::server
