#include "http/address_set.h"

#include <gtest/gtest.h>

namespace spamphibian::http {
namespace {

namespace ip = boost::asio::ip;

TEST(AddressSet, AddressesAndNetworksBothFamilies) {
  AddressSet set;
  ASSERT_TRUE(AddressSet::Parse({"10.0.0.5", "192.168.0.0/16", "2001:db8::/32", "::1"}, &set).ok());
  EXPECT_TRUE(set.Contains(ip::make_address("10.0.0.5")));
  EXPECT_FALSE(set.Contains(ip::make_address("10.0.0.6")));
  EXPECT_TRUE(set.Contains(ip::make_address("192.168.44.1")));
  EXPECT_FALSE(set.Contains(ip::make_address("192.169.0.1")));
  EXPECT_TRUE(set.Contains(ip::make_address("2001:db8:1::7")));
  EXPECT_TRUE(set.Contains(ip::make_address("::1")));
  EXPECT_FALSE(set.Contains(ip::make_address("2001:db9::1")));
  // An IPv4 client on a dual-stack listener.
  EXPECT_TRUE(set.Contains(ip::make_address("::ffff:10.0.0.5")));
  EXPECT_FALSE(AddressSet().Contains(ip::make_address("127.0.0.1")));
  EXPECT_TRUE(AddressSet().empty());
}

TEST(AddressSet, ANameIsRefusedByName) {
  AddressSet set;
  for (const char* bad : {"gitlab.example.com", "10.0.0.0/33", "10.0.0.1/8x", ""}) {
    Status s = AddressSet::Parse({"127.0.0.1", bad}, &set);
    EXPECT_TRUE(s.IsInvalidArgument()) << bad;
    EXPECT_NE(s.message().find(std::string("'") + bad + "'"), std::string::npos) << s.message();
  }
}

}  // namespace
}  // namespace spamphibian::http
