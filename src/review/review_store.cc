#include "review/review_store.h"

#include "security/crypto.h"
#include "stages/records.h"

#include "classify/campaigns.h"

#include <charconv>

namespace spamphibian::review {
namespace {

// The index keys of one review are every combination of (its state, any) ×
// (its verdict, flagged when spam or suspicious, any) × (its type, any).
constexpr const char* kIndexes = R"lua(
local function verdicts(v)
  if v == 'spam' or v == 'suspicious' then return {v, 'flagged', 'any'} end
  return {v, 'any'}
end
local function index(p, s, v, t) return p .. 'reviews:idx:' .. s .. ':' .. v .. ':' .. t end
)lua";

// KEYS: review hash. ARGV: prefix, id, decision, created_ms, verdict, type,
// author id, retention ms, link domains joined by spaces, then each domain.
const std::string kAdd = std::string(kIndexes) + R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local p, id, now, ttl = ARGV[1], ARGV[2], tonumber(ARGV[4]), tonumber(ARGV[8])
redis.call('HSET', KEYS[1], 'decision', ARGV[3], 'state', 'pending', 'created_ms', ARGV[4], 'verdict', ARGV[5],
           'item_type', ARGV[6], 'author_id', ARGV[7], 'answers', '[]', 'domains', ARGV[9])
redis.call('PEXPIRE', KEYS[1], ttl)
for _, s in ipairs({'pending', 'any'}) do
  for _, v in ipairs(verdicts(ARGV[5])) do
    for _, t in ipairs({ARGV[6], 'any'}) do
      local key = index(p, s, v, t)
      redis.call('ZADD', key, now, id)
      redis.call('ZREMRANGEBYSCORE', key, '-inf', now - ttl)
    end
  end
end
if ARGV[7] ~= '0' then
  local a = p .. 'reviews:author:' .. ARGV[7]
  redis.call('ZADD', a, now, id)
  redis.call('ZREMRANGEBYSCORE', a, '-inf', now - ttl)
  redis.call('PEXPIRE', a, ttl)
end
for i = 10, #ARGV do
  local k = p .. 'reviews:domain:' .. ARGV[i]
  redis.call('ZADD', k, now, id)
  redis.call('ZREMRANGEBYSCORE', k, '-inf', now - ttl)
  redis.call('PEXPIRE', k, ttl)
end
return 1
)lua";

// KEYS: review hash, decisions, labels, archive ("" = none), audit, verified
// users, reviewer-verified users, outcome counts. ARGV: prefix, id,
// expected state, new state, answer record, the reviewed decision's fields
// ("" = none), label, label key, the audit entry's fields, the archived
// label's fields, audit maxlen, e-mail to trust, outcome ("spam", "ham",
// "skip"), memory ms (0 = none), model version. Fields: a record's
// (stages/records.h), as a JSON array of XADD's field arguments.
// A spam or ham answer is also remembered for the author, each linked
// domain and the text (classify::kReviewedAuthorKey, kReviewedDomainKey,
// kReviewedTextKey: the decision's campaign.text_hash in each of its
// campaign.text_buckets) and counted per model version, type, automatic
// verdict and outcome (live precision).
const std::string kApply = std::string(kIndexes) + R"lua(
local cur = redis.call('HGET', KEYS[1], 'state')
if not cur then return {0, ''} end
if cur ~= ARGV[3] then return {0, cur} end
local f = redis.call('HMGET', KEYS[1], 'created_ms', 'verdict', 'item_type', 'answers')
local p, id, new = ARGV[1], ARGV[2], ARGV[4]
for _, v in ipairs(verdicts(f[2])) do
  for _, t in ipairs({f[3], 'any'}) do
    redis.call('ZREM', index(p, cur, v, t), id)
    redis.call('ZADD', index(p, new, v, t), tonumber(f[1]), id)
  end
end
local answers = f[4]
if answers == false or answers == '[]' then answers = '[' .. ARGV[5] .. ']'
else answers = string.sub(answers, 1, -2) .. ',' .. ARGV[5] .. ']' end
redis.call('HSET', KEYS[1], 'state', new, 'answers', answers)
if ARGV[6] ~= '' then redis.call('XADD', KEYS[2], '*', unpack(cjson.decode(ARGV[6]))) end
if ARGV[7] ~= '' then
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', '1000000', '*', 'label', ARGV[7], 'key', ARGV[8])
  if KEYS[4] ~= '' then redis.call('XADD', KEYS[4], '*', unpack(cjson.decode(ARGV[10]))) end
end
local maxlen = tonumber(ARGV[11])
if maxlen > 0 then
  redis.call('XADD', KEYS[5], 'MAXLEN', '~', maxlen, '*', unpack(cjson.decode(ARGV[9])))
else
  redis.call('XADD', KEYS[5], '*', unpack(cjson.decode(ARGV[9])))
end
if ARGV[12] ~= '' then
  redis.call('SADD', KEYS[6], ARGV[12])
  redis.call('SADD', KEYS[7], ARGV[12])
end
local outcome, memory = ARGV[13], tonumber(ARGV[14])
if outcome == 'spam' or outcome == 'ham' then
  local g = redis.call('HMGET', KEYS[1], 'author_id', 'domains')
  if memory > 0 then
    if g[1] and g[1] ~= '0' then redis.call('SET', p .. 'memory:author:' .. g[1], outcome, 'PX', memory) end
    if g[2] then
      for d in string.gmatch(g[2], '%S+') do
        local k = p .. 'memory:domain:' .. d
        redis.call('HINCRBY', k, outcome, 1)
        redis.call('PEXPIRE', k, memory)
      end
    end
    local ok, d = pcall(cjson.decode, redis.call('HGET', KEYS[1], 'decision') or '')
    local c = ok and type(d) == 'table' and d.campaign
    if type(c) == 'table' and type(c.text_hash) == 'string' and type(c.text_buckets) == 'table' then
      for i = 1, math.min(#c.text_buckets, 4) do
        local b = c.text_buckets[i]
        if type(b) == 'string' then
          local k = p .. 'memory:text:' .. b
          redis.call('HSET', k, c.text_hash, outcome)
          redis.call('PEXPIRE', k, memory)
        end
      end
    end
  end
  redis.call('HINCRBY', KEYS[8], ARGV[15] .. '|' .. f[3] .. '|' .. f[2] .. '|' .. outcome, 1)
end
return {1, new}
)lua";

constexpr std::size_t kScanChunk = 200;
constexpr std::size_t kMaxDomains = 5;  // campaign indexes per review
constexpr std::size_t kMaxScanned = 20000;  // a page with a narrow score filter stops here, with a cursor

bool ParseCursor(const std::string& cursor, std::int64_t* ms, std::string* id) {
  const auto colon = cursor.find(':');
  if (colon == std::string::npos) return false;
  auto [ptr, ec] = std::from_chars(cursor.data(), cursor.data() + colon, *ms);
  if (ec != std::errc() || ptr != cursor.data() + colon) return false;
  *id = cursor.substr(colon + 1);
  return !id->empty();
}

}  // namespace

bool ParseOutcomeKey(std::string_view field, OutcomeKey* out) {
  std::string* parts[] = {&out->model_version, &out->item_type, &out->verdict, &out->outcome};
  for (std::size_t i = 0; i < 4; ++i) {
    const auto bar = field.find('|');
    if ((bar == std::string_view::npos) != (i == 3)) return false;
    *parts[i] = std::string(field.substr(0, bar));
    field = bar == std::string_view::npos ? std::string_view() : field.substr(bar + 1);
  }
  return true;
}

Status Remember(redis::Client& client, const std::string& prefix, std::int64_t author_id,
                const nlohmann::json& campaign, const std::string& outcome, std::chrono::hours memory) {
  const std::string ms = std::to_string(std::chrono::milliseconds(memory).count());
  if (memory.count() == 0 || (outcome != "spam" && outcome != "ham") || !campaign.is_object()) return Status::Ok();
  std::vector<redis::Args> commands = {{"MULTI"}};
  if (author_id != 0) {
    commands.push_back({"SET", prefix + std::string(classify::kReviewedAuthorKey) + std::to_string(author_id), outcome, "PX", ms});
  }
  const auto strings = [&](const char* name, std::size_t at_most) {
    std::vector<std::string> out;
    const auto it = campaign.find(name);
    if (it == campaign.end() || !it->is_array()) return out;
    for (const auto& v : *it) {
      if (v.is_string() && out.size() < at_most) out.push_back(v.get<std::string>());
    }
    return out;
  };
  for (const auto& d : strings("domains", kMaxDomains)) {
    const std::string key = prefix + std::string(classify::kReviewedDomainKey) + d;
    commands.push_back({"HINCRBY", key, outcome, "1"});
    commands.push_back({"PEXPIRE", key, ms});
  }
  const auto hash = campaign.find("text_hash");
  if (hash != campaign.end() && hash->is_string()) {
    for (const auto& b : strings("text_buckets", 4)) {
      const std::string key = prefix + std::string(classify::kReviewedTextKey) + b;
      commands.push_back({"HSET", key, hash->get<std::string>(), outcome});
      commands.push_back({"PEXPIRE", key, ms});
    }
  }
  commands.push_back({"EXEC"});
  std::vector<redis::Reply> replies;
  return client.RunPipeline(commands, &replies);
}

bool ShadowDisagrees(const nlohmann::json& d) {
  if (!d.is_object() || !d.contains("shadow") || !d["shadow"].is_object()) return false;
  const auto flagged = [](const std::string& v) { return v == "spam" || v == "suspicious"; };
  return flagged(d.value("verdict", "")) != flagged(d["shadow"].value("verdict", ""));
}

std::string StateFor(const std::string& outcome) {
  if (outcome == "spam") return kConfirmedSpam;
  if (outcome == "ham") return kNotSpam;
  if (outcome == "skip") return kSkipped;
  return "";
}

RedisReviewStore::RedisReviewStore(const redis::Connector& connector, RedisReviewStoreOptions options)
    : client_(connector), options_(std::move(options)), add_(kAdd), apply_(kApply) {}

Status RedisReviewStore::Add(const nlohmann::json& d, std::string_view text,
                             const std::vector<std::string>& link_domains, std::int64_t now_ms) {
  const std::string id = d.value("decision_id", "");
  if (id.empty()) return Status::InvalidArgument("a decision without decision_id");
  const nlohmann::json& item = d.contains("item") ? d["item"] : nlohmann::json::object();
  std::int64_t author = 0;
  if (item.is_object() && item.contains("author") && item["author"].is_object()) {
    author = item["author"].value("id", std::int64_t{0});
  }
  redis::Args argv = {options_.prefix, id, std::string(text),
                      std::to_string(now_ms), d.value("verdict", ""), d.value("item_type", ""), std::to_string(author),
                      std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(options_.retention).count()),
                      ""};
  for (const auto& domain : link_domains) {
    if (domain.empty() || domain.find(' ') != std::string::npos || argv.size() >= 9 + kMaxDomains) continue;
    argv[8] += (argv[8].empty() ? "" : " ") + domain;
    argv.push_back(domain);
  }
  redis::Reply reply;
  return client_.Eval(add_, {options_.prefix + "review:" + id}, argv, &reply);
}

Status RedisReviewStore::Load(const std::vector<std::string>& ids, std::vector<Review>* out) {
  if (ids.empty()) return Status::Ok();
  std::vector<redis::Args> commands;
  for (const auto& id : ids) {
    commands.push_back({"HMGET", options_.prefix + "review:" + id, "decision", "state", "created_ms", "answers", "domains"});
  }
  std::vector<redis::Reply> replies;
  if (Status s = client_.RunPipeline(commands, &replies); !s.ok()) return s;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const redisReply* r = replies[i].get();
    if (redis::IsError(r)) return Status::Internal(std::string(redis::ReplyText(r)));
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 5 || r->element[0]->type != REDIS_REPLY_STRING) continue;
    Review review;
    review.id = ids[i];
    review.decision = nlohmann::json::parse(redis::ReplyText(r->element[0]), nullptr, false);
    review.state = std::string(redis::ReplyText(r->element[1]));
    const std::string_view created = redis::ReplyText(r->element[2]);
    std::from_chars(created.data(), created.data() + created.size(), review.created_ms);
    review.answers = nlohmann::json::parse(redis::ReplyText(r->element[3]), nullptr, false);
    if (!review.answers.is_array()) review.answers = nlohmann::json::array();
    std::string_view domains = redis::ReplyText(r->element[4]);
    while (!domains.empty()) {
      const auto space = domains.find(' ');
      review.link_domains.emplace_back(domains.substr(0, space));
      domains = space == std::string_view::npos ? std::string_view() : domains.substr(space + 1);
    }
    out->push_back(std::move(review));
  }
  return Status::Ok();
}

Status RedisReviewStore::Get(const std::string& id, Review* out, bool* found) {
  std::vector<Review> one;
  if (Status s = Load({id}, &one); !s.ok()) return s;
  *found = !one.empty();
  if (*found) *out = std::move(one.front());
  return Status::Ok();
}

Status RedisReviewStore::List(const ReviewQuery& q, ReviewPage* out) {
  out->reviews.clear();
  out->next_cursor.clear();
  const std::string key = options_.prefix + "reviews:idx:" + q.state + ":" + q.verdict + ":" + q.item_type;
  std::int64_t cursor_ms = 0;
  std::string cursor_id;
  const bool has_cursor = !q.cursor.empty();
  if (has_cursor && !ParseCursor(q.cursor, &cursor_ms, &cursor_id)) return Status::InvalidArgument("cursor: not one of ours");
  const std::string max = has_cursor ? std::to_string(cursor_ms) : "+inf";
  std::size_t offset = 0, scanned = 0;
  std::int64_t last_ms = 0;
  std::string last_id;
  while (out->reviews.size() < q.limit && scanned < kMaxScanned) {
    redis::Reply reply;
    if (Status s = client_.Run({"ZREVRANGEBYSCORE", key, max, "-inf", "WITHSCORES", "LIMIT", std::to_string(offset),
                                std::to_string(kScanChunk)},
                               &reply);
        !s.ok()) {
      return s;
    }
    const std::size_t n = reply->elements / 2;
    std::vector<std::string> ids;
    std::vector<std::int64_t> scores;
    for (std::size_t i = 0; i < n; ++i) {
      std::string id(redis::ReplyText(reply->element[2 * i]));
      const std::int64_t ms = std::stoll(std::string(redis::ReplyText(reply->element[2 * i + 1])));
      // Members of equal score come in reverse lexical order: the ones at
      // or above the cursor were on an earlier page.
      if (has_cursor && ms == cursor_ms && id >= cursor_id) continue;
      ids.push_back(std::move(id));
      scores.push_back(ms);
    }
    offset += n;
    std::vector<Review> loaded;
    if (Status s = Load(ids, &loaded); !s.ok()) return s;
    for (auto& r : loaded) {
      ++scanned;
      last_ms = r.created_ms;
      last_id = r.id;
      const double score = r.decision.is_object() && r.decision.contains("score") && r.decision["score"].is_number()
                               ? r.decision["score"].get<double>()
                               : 0.0;
      if ((q.min_score && score < *q.min_score) || (q.max_score && score > *q.max_score)) continue;
      if (q.disagree && !ShadowDisagrees(r.decision)) continue;
      out->reviews.push_back(std::move(r));
      if (out->reviews.size() == q.limit) break;
    }
    if (n < kScanChunk) {
      // The end of the index, unless the page filled exactly here.
      if (out->reviews.size() < q.limit) return Status::Ok();
      break;
    }
  }
  if (!last_id.empty()) out->next_cursor = std::to_string(last_ms) + ":" + last_id;
  return Status::Ok();
}

Status RedisReviewStore::Newest(const std::string& key, const std::string& except, std::size_t limit,
                                std::vector<Review>* out) {
  out->clear();
  redis::Reply reply;
  if (Status s = client_.Run({"ZREVRANGE", key, "0", std::to_string(limit)}, &reply); !s.ok()) return s;
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < reply->elements && ids.size() < limit; ++i) {
    std::string id(redis::ReplyText(reply->element[i]));
    if (id != except) ids.push_back(std::move(id));
  }
  return Load(ids, out);
}

Status RedisReviewStore::OfAuthor(std::int64_t author_id, const std::string& except, std::size_t limit,
                                  std::vector<Review>* out) {
  out->clear();
  if (author_id == 0) return Status::Ok();
  return Newest(options_.prefix + "reviews:author:" + std::to_string(author_id), except, limit, out);
}

Status RedisReviewStore::OfDomain(const std::string& domain, const std::string& except, std::size_t limit,
                                  std::vector<Review>* out) {
  out->clear();
  if (domain.empty()) return Status::Ok();
  return Newest(options_.prefix + "reviews:domain:" + domain, except, limit, out);
}

Status RedisReviewStore::Apply(const std::string& id, const Answer& a, bool* applied, std::string* state) {
  const std::string& p = options_.prefix;
  // The entries for the act stage, the archive and the audit, as their
  // records (stages/records.h), each a JSON array of XADD's field arguments.
  const auto fields = [](const Fields& record) {
    return nlohmann::json(records::Flat(record)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  std::string decision_fields;
  if (!a.reviewed_decision.empty()) {
    const nlohmann::json d = nlohmann::json::parse(a.reviewed_decision, nullptr, false);
    const auto header = [&](const char* key) { return d.is_object() ? d.value(key, "") : std::string(); };
    decision_fields = fields(records::Encode(
        records::Decision{a.reviewed_decision, header("decision_id"), header("verdict"), header("item_type"),
                          header("item_id"), header("time"),
                          d.is_object() ? records::Reviewed(d.contains("review")) : records::Decision::Review::kUnknown}));
  }
  const std::string label_fields = fields(records::Encode(records::Label{a.label_key, a.label}));
  const std::string audit_fields = fields(records::Encode(records::Audit{a.audit, a.audit_id}));
  redis::Reply reply;
  if (Status s = client_.Eval(apply_,
                              {p + "review:" + id, p + "decisions", p + "labels", a.label.empty() || !options_.archive_labels ? "" : p + "archive",
                               p + "audit", p + "verified_users", p + "verified_users:reviewed", p + std::string(kOutcomeCounts)},
                              {p, id, a.expected_state, StateFor(a.outcome), a.record.dump(), decision_fields, a.label,
                               a.label_key, audit_fields, label_fields, std::to_string(options_.audit_maxlen), a.trust_email,
                               a.outcome, std::to_string(std::chrono::milliseconds(options_.memory).count()),
                               a.model_version.empty() ? "unknown" : a.model_version},
                              &reply);
      !s.ok()) {
    return s;
  }
  // The reviewer is told "done" only once a failover cannot undo it.
  if (Status s = client_.WaitForReplicas(); !s.ok()) return s;
  *applied = reply->element[0]->integer == 1;
  *state = std::string(redis::ReplyText(reply->element[1]));
  return Status::Ok();
}

Status RedisReviewStore::FirstSeen(const std::string& token, std::chrono::seconds window, bool* first) {
  redis::Reply reply;
  if (Status s = client_.Run({"SET", options_.prefix + "slack:click:" + security::Sha256Hex(token), "1", "EX",
                              std::to_string(window.count()), "NX"},
                             &reply);
      !s.ok()) {
    return s;
  }
  *first = reply->type == REDIS_REPLY_STATUS;  // OK; nil when it was there
  return Status::Ok();
}

}  // namespace spamphibian::review
