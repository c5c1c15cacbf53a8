// Which ImageUrl targets may be fetched (the SSRF policy), apart from the
// fetcher that applies it (image_fetcher.h) so each is tested on its own:
// a host must be on the operator's allow-list, and every address it
// resolves to (and the one finally connected to) must be public unicast.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <string>
#include <string_view>
#include <vector>

namespace kanjian::server {

// True when `host` is matched by one of the allow-list entries:
// "img.example.com" matches exactly that host; ".example.com" any host
// below example.com (not example.com itself); "*" every host. Matching is
// case-insensitive; a trailing dot is ignored.
bool HostAllowed(std::string_view host, const std::vector<std::string>& allow);

// True when an address may be fetched from: a public unicast address (no
// loopback, private, CGNAT, link-local/metadata, multicast, reserved, ULA,
// documentation, or IPv6 forms that tunnel to other IPv4 addresses).
// `allow_loopback` additionally admits 127/8 and ::1 (tests only).
bool AddressAllowed(const sockaddr* address, bool allow_loopback);
// Same for a numeric address text ("10.0.0.1", "::1"); false if not numeric.
bool AddressTextAllowed(const std::string& numeric, bool allow_loopback);

}  // namespace kanjian::server
