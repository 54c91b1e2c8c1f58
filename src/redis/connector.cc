#include "redis/connector.h"

namespace spamphibian::redis {

Status Connector::DiscoverMaster(HostPort* master) const {
  std::string errors;
  for (const HostPort& sentinel : options_.sentinel_hosts) {
    std::unique_ptr<Connection> conn;
    Status s = Connection::Open(sentinel.host, sentinel.port, options_.connect_timeout, options_.command_timeout, &conn);
    if (s.ok() && !options_.sentinel_password.empty()) s = conn->Check({"AUTH", options_.sentinel_password.reveal()});
    Reply reply;
    if (s.ok()) s = conn->Check({"SENTINEL", "get-master-addr-by-name", options_.master_set}, &reply);
    if (s.ok() && reply->type == REDIS_REPLY_ARRAY && reply->elements == 2) {
      master->host = std::string(ReplyText(reply->element[0]));
      master->port = std::atoi(std::string(ReplyText(reply->element[1])).c_str());
      return Status::Ok();
    }
    if (s.ok()) s = Status::NotFound("sentinel knows no master named '" + options_.master_set + "'");
    errors += (errors.empty() ? "" : "; ") + sentinel.host + ":" + std::to_string(sentinel.port) + ": " + s.message();
  }
  return Status::Unavailable("no sentinel answered for master '" + options_.master_set + "': " + errors);
}

Status Connector::Prepare(Connection& conn) const {
  if (!options_.password.empty()) {
    Status s = conn.Check({"AUTH", options_.password.reveal()});
    // Never echo the password: the error text of AUTH does not contain it,
    // but say which step failed.
    if (!s.ok()) return Status::Unavailable("redis AUTH failed: " + s.message());
  }
  if (options_.db != 0) {
    Status s = conn.Check({"SELECT", std::to_string(options_.db)});
    if (!s.ok()) return s;
  }
  if (options_.sentinel_enabled) {
    Reply role;
    Status s = conn.Check({"ROLE"}, &role);
    if (!s.ok()) return s;
    if (role->type != REDIS_REPLY_ARRAY || role->elements == 0 || ReplyText(role->element[0]) != "master") {
      return Status::Unavailable("redis " + conn.host() + ":" + std::to_string(conn.port()) + " is not the master (yet)");
    }
  }
  return Status::Ok();
}

Status Connector::Connect(std::unique_ptr<Connection>* out) const {
  HostPort target{options_.host, options_.port};
  if (options_.sentinel_enabled) {
    Status s = DiscoverMaster(&target);
    if (!s.ok()) return s;
  }
  std::unique_ptr<Connection> conn;
  Status s = options_.socket.empty()
                 ? Connection::Open(target.host, target.port, options_.connect_timeout, options_.command_timeout, &conn)
                 : Connection::OpenUnix(options_.socket, options_.connect_timeout, options_.command_timeout, &conn);
  if (!s.ok()) return s;
  s = Prepare(*conn);
  if (!s.ok()) return s;
  *out = std::move(conn);
  return Status::Ok();
}

}  // namespace spamphibian::redis
