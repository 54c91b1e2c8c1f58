#include "redis/connection.h"

namespace spamphibian::redis {
namespace {

timeval ToTimeval(std::chrono::milliseconds ms) {
  timeval tv;
  tv.tv_sec = static_cast<long>(ms.count() / 1000);
  tv.tv_usec = static_cast<long>((ms.count() % 1000) * 1000);
  return tv;
}

// argv/argvlen views of Args for hiredis (binary-safe).
struct ArgVector {
  explicit ArgVector(const Args& args) {
    argv.reserve(args.size());
    lens.reserve(args.size());
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
  }
  std::vector<const char*> argv;
  std::vector<size_t> lens;
};

}  // namespace

std::string_view ReplyText(const redisReply* r) {
  if (r == nullptr) return {};
  if (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS || r->type == REDIS_REPLY_ERROR) {
    return std::string_view(r->str, r->len);
  }
  return {};
}

bool IsError(const redisReply* r) { return r != nullptr && r->type == REDIS_REPLY_ERROR; }

bool MeansReconnect(std::string_view error) {
  return error.starts_with("READONLY") || error.starts_with("LOADING") || error.starts_with("MASTERDOWN") ||
         error.starts_with("NOREPLICAS");
}

Status Connection::Open(const std::string& host, int port, std::chrono::milliseconds connect_timeout,
                        std::chrono::milliseconds command_timeout, std::unique_ptr<Connection>* out) {
  redisContext* ctx = redisConnectWithTimeout(host.c_str(), port, ToTimeval(connect_timeout));
  if (ctx == nullptr) return Status::Unavailable("redis: out of memory allocating a context");
  if (ctx->err) {
    std::string msg = "redis " + host + ":" + std::to_string(port) + ": " + ctx->errstr;
    redisFree(ctx);
    return Status::Unavailable(msg);
  }
  redisSetTimeout(ctx, ToTimeval(command_timeout));
  redisEnableKeepAlive(ctx);
  out->reset(new Connection(ctx, host, port));
  return Status::Ok();
}

Status Connection::OpenUnix(const std::string& path, std::chrono::milliseconds connect_timeout,
                            std::chrono::milliseconds command_timeout, std::unique_ptr<Connection>* out) {
  redisContext* ctx = redisConnectUnixWithTimeout(path.c_str(), ToTimeval(connect_timeout));
  if (ctx == nullptr) return Status::Unavailable("redis: out of memory allocating a context");
  if (ctx->err) {
    std::string msg = "redis " + path + ": " + ctx->errstr;
    redisFree(ctx);
    return Status::Unavailable(msg);
  }
  redisSetTimeout(ctx, ToTimeval(command_timeout));
  out->reset(new Connection(ctx, path, 0));
  return Status::Ok();
}

Connection::~Connection() { redisFree(ctx_); }

Reply Connection::Run(const Args& args) {
  ArgVector v(args);
  return Reply(static_cast<redisReply*>(
      redisCommandArgv(ctx_, static_cast<int>(args.size()), v.argv.data(), v.lens.data())));
}

void Connection::Append(const Args& args) {
  ArgVector v(args);
  redisAppendCommandArgv(ctx_, static_cast<int>(args.size()), v.argv.data(), v.lens.data());
}

Reply Connection::Read() {
  void* reply = nullptr;
  if (redisGetReply(ctx_, &reply) != REDIS_OK) return Reply();
  return Reply(static_cast<redisReply*>(reply));
}

Status Connection::Check(const Args& args, Reply* out) {
  Reply r = Run(args);
  if (!r) return Status::Unavailable("redis " + host_ + ":" + std::to_string(port_) + ": " + error());
  if (IsError(r.get())) return Status::Internal("redis " + args[0] + ": " + std::string(ReplyText(r.get())));
  if (out != nullptr) *out = std::move(r);
  return Status::Ok();
}

}  // namespace spamphibian::redis
