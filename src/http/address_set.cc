#include "http/address_set.h"

namespace spamphibian::http {

namespace ip = boost::asio::ip;

Status AddressSet::Parse(const std::vector<std::string>& entries, AddressSet* out) {
  AddressSet set;
  for (const std::string& entry : entries) {
    boost::system::error_code ec;
    const std::string with_prefix =
        entry.find('/') != std::string::npos ? entry : entry + (entry.find(':') != std::string::npos ? "/128" : "/32");
    if (entry.find(':') == std::string::npos) {
      const ip::network_v4 net = ip::make_network_v4(with_prefix, ec);
      if (!ec) {
        set.v4_.push_back(net.canonical());
        continue;
      }
    } else {
      const ip::network_v6 net = ip::make_network_v6(with_prefix, ec);
      if (!ec) {
        set.v6_.push_back(net.canonical());
        continue;
      }
    }
    return Status::InvalidArgument("'" + entry + "' is neither an IP address nor a network (a.b.c.d/n)");
  }
  *out = std::move(set);
  return Status::Ok();
}

bool AddressSet::Contains(const ip::address& address) const {
  // An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d.
  ip::address a = address;
  if (a.is_v6() && a.to_v6().is_v4_mapped()) a = ip::make_address_v4(ip::v4_mapped, a.to_v6());
  if (a.is_v4()) {
    const ip::network_v4 host(a.to_v4(), 32);
    for (const auto& net : v4_) {
      if (host == net || host.is_subnet_of(net)) return true;
    }
    return false;
  }
  const ip::network_v6 host(a.to_v6(), 128);
  for (const auto& net : v6_) {
    if (host == net || host.is_subnet_of(net)) return true;
  }
  return false;
}

}  // namespace spamphibian::http
