#include "storage/s3_object_store.h"

#include "security/crypto.h"

#include "http/curl_client.h"
#include "http/percent_encoding.h"


#include <cctype>
#include <cstdio>
#include <cstring>

namespace spamphibian::storage {
namespace {

// The text of the first <tag>...</tag> at or after `pos`; advances `pos`.
// S3's ListObjectsV2 answer is simple, flat XML; this is all we read of it.
bool NextTag(const std::string& xml, const std::string& tag, std::size_t* pos, std::string* text) {
  const std::string open = "<" + tag + ">", close = "</" + tag + ">";
  const std::size_t a = xml.find(open, *pos);
  if (a == std::string::npos) return false;
  const std::size_t b = xml.find(close, a);
  if (b == std::string::npos) return false;
  *text = xml.substr(a + open.size(), b - a - open.size());
  *pos = b + close.size();
  return true;
}

std::string XmlUnescape(std::string s) {
  static const std::pair<const char*, const char*> kEntities[] = {
      {"&quot;", "\""}, {"&apos;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}};
  for (const auto& [from, to] : kEntities) {
    for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + 1)) s.replace(p, strlen(from), to);
  }
  return s;
}

std::string StripQuotes(std::string s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

}  // namespace

std::string EncodeKey(const std::string& key) { return http::PercentEncode(key, true); }

S3ObjectStore::S3ObjectStore(S3Options options, http::HttpClient& http) : options_(std::move(options)), http_(http) {
  while (!options_.endpoint.empty() && options_.endpoint.back() == '/') options_.endpoint.pop_back();
}

Status S3ObjectStore::Send(const std::string& method, const std::string& path_and_query, const std::string& body,
                           const std::string& content_type, http::ClientResponse* response) {
  http::ClientRequest req;
  req.method = method;
  req.url = options_.endpoint + "/" + options_.bucket + path_and_query;
  req.body = body;
  req.timeout = options_.timeout;
  req.max_response_bytes = 256 << 20;
  req.headers = {{"x-amz-content-sha256", security::Sha256Hex(body)}};
  if (!content_type.empty()) req.headers.emplace_back("Content-Type", content_type);
  req.aws_sigv4 = "aws:amz:" + options_.region + ":s3";
  req.aws_access_key_id = options_.access_key_id;
  req.aws_secret_access_key = options_.secret_access_key;
  Status s = http_.Send(req, response);
  if (!s.ok()) return Status::Unavailable("S3 " + method + " " + path_and_query + ": " + s.message());
  if (response->status == 404) return Status::NotFound("S3 " + method + " " + path_and_query + ": no such object");
  if (response->status >= 500) {
    return Status::Unavailable("S3 " + method + " " + path_and_query + ": " + std::to_string(response->status));
  }
  if (response->status == 401 || response->status == 403) {
    return Status::PermissionDenied("S3 " + method + " " + path_and_query + ": " + std::to_string(response->status) +
                                    "; check S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY");
  }
  if (response->status < 200 || response->status >= 300) {
    return Status::InvalidArgument("S3 " + method + " " + path_and_query + ": " + std::to_string(response->status));
  }
  return Status::Ok();
}

Status S3ObjectStore::Put(const std::string& key, const std::string& data, const std::string& content_type) {
  http::ClientResponse r;
  return Send("PUT", "/" + EncodeKey(key), data, content_type, &r);
}

Status S3ObjectStore::Get(const std::string& key, std::string* data) {
  http::ClientResponse r;
  Status s = Send("GET", "/" + EncodeKey(key), "", "", &r);
  if (s.ok()) *data = std::move(r.body);
  return s;
}

Status S3ObjectStore::Head(const std::string& key, ObjectInfo* info) {
  http::ClientResponse r;
  Status s = Send("HEAD", "/" + EncodeKey(key), "", "", &r);
  if (!s.ok()) return s;
  info->key = key;
  info->size = std::atoll(std::string(r.Header("content-length")).c_str());
  info->etag = StripQuotes(std::string(r.Header("etag")));
  info->last_modified = std::string(r.Header("last-modified"));
  return Status::Ok();
}

Status S3ObjectStore::Delete(const std::string& key) {
  http::ClientResponse r;
  Status s = Send("DELETE", "/" + EncodeKey(key), "", "", &r);
  return s.IsNotFound() ? Status::Ok() : s;
}

// ListObjects (version 1, with markers): every S3-compatible server speaks
// it, while some (s3rver) fail on truncated version-2 listings.
Status S3ObjectStore::List(const std::string& prefix, std::vector<ObjectInfo>* out) {
  out->clear();
  std::string marker;
  for (int page = 0; page < 100000; ++page) {
    std::string query = "?max-keys=" + std::to_string(options_.max_keys) + "&prefix=" + http::PercentEncode(prefix, false);
    if (!marker.empty()) query += "&marker=" + http::PercentEncode(marker, false);
    http::ClientResponse r;
    Status s = Send("GET", query, "", "", &r);
    if (!s.ok()) return s;
    std::size_t pos = 0;
    std::string contents;
    while (NextTag(r.body, "Contents", &pos, &contents)) {
      ObjectInfo info;
      std::size_t p = 0;
      std::string text;
      if (NextTag(contents, "Key", &p, &text)) info.key = XmlUnescape(text);
      p = 0;
      if (NextTag(contents, "Size", &p, &text)) info.size = std::atoll(text.c_str());
      p = 0;
      if (NextTag(contents, "ETag", &p, &text)) info.etag = StripQuotes(XmlUnescape(text));
      p = 0;
      if (NextTag(contents, "LastModified", &p, &text)) info.last_modified = text;
      out->push_back(std::move(info));
    }
    std::string truncated;
    pos = 0;
    if (!NextTag(r.body, "IsTruncated", &pos, &truncated) || truncated != "true" || out->empty()) return Status::Ok();
    if (out->back().key == marker) return Status::Internal("S3 list: the listing does not advance");
    marker = out->back().key;
  }
  return Status::Ok();
}

std::unique_ptr<ObjectStore> NewS3ObjectStore(S3Options options) {
  // The connection is declared first so that it outlives the store using it.
  struct Owning : ObjectStore {
    explicit Owning(S3Options o) : http(http::CountedInto(o.stats)), store(std::move(o), http) {}
    Status Put(const std::string& k, const std::string& d, const std::string& t) override { return store.Put(k, d, t); }
    Status Get(const std::string& k, std::string* d) override { return store.Get(k, d); }
    Status Head(const std::string& k, ObjectInfo* i) override { return store.Head(k, i); }
    Status List(const std::string& p, std::vector<ObjectInfo>* o) override { return store.List(p, o); }
    Status Delete(const std::string& k) override { return store.Delete(k); }
    http::CurlHttpClient http;
    S3ObjectStore store;
  };
  return std::make_unique<Owning>(std::move(options));
}

}  // namespace spamphibian::storage
