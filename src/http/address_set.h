// AddressSet: a list of client addresses and networks ("10.0.0.5",
// "192.168.0.0/16", "2001:db8::/32"), asked "is this client one of them?"
// once per accepted connection. For server.trusted_sources: the GitLab
// hosts that a connection flood from elsewhere must never lock out.
//
// Thread-safe after construction (read-only).
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

#include <string>
#include <vector>

#include "base/status.h"

namespace spamphibian::http {

class AddressSet {
 public:
  AddressSet() = default;
  // InvalidArgument naming the first entry that is neither an address nor
  // a network.
  static Status Parse(const std::vector<std::string>& entries, AddressSet* out);

  bool Contains(const boost::asio::ip::address& address) const;
  bool empty() const { return v4_.empty() && v6_.empty(); }

 private:
  std::vector<boost::asio::ip::network_v4> v4_;
  std::vector<boost::asio::ip::network_v6> v6_;
};

}  // namespace spamphibian::http
