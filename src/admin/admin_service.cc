#include "admin/admin_service.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "admin/review_page.h"
#include "admin/sign_in_queue.h"
#include "gitlab/item.h"
#include "http/percent_encoding.h"
#include "log/json_log.h"
#include "security/constant_time.h"
#include "security/crypto.h"
#include "text/utf8.h"

namespace spamphibian::admin {

namespace {

constexpr std::string_view kSessionCookie = "spamphibian_session";
constexpr std::string_view kOAuthCookie = "spamphibian_oauth";
constexpr std::size_t kMaxAnswerBody = 4096;
constexpr std::string_view kReviews = "/api/v1/reviews/";
constexpr std::string_view kPurgePlan = "/purge-plan";
// Purge plans waiting for the purge thread; beyond, 503 at once.
constexpr std::size_t kPurgePlansWaiting = 4;
// How long a sign-in may take between /login and the callback.
constexpr std::chrono::seconds kSignInTime{600};

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

http::Response Text(int status, std::string content_type, std::string body) {
  http::Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

http::Response Redirect(const std::string& location) {
  http::Response r = Text(302, "text/plain; charset=utf-8", "");
  r.headers.push_back({"Location", location});
  return r;
}

// A small HTML page saying why (sign-in refused, GitLab down); `message` is
// escaped.
http::Response Page(int status, const std::string& title, const std::string& message) {
  std::string escaped;
  for (char c : message) {
    switch (c) {
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '&': escaped += "&amp;"; break;
      case '"': escaped += "&quot;"; break;
      case '\'': escaped += "&#39;"; break;
      default: escaped += c;
    }
  }
  return Text(status, "text/html; charset=utf-8",
              "<!doctype html><html><head><meta charset=utf-8><title>Spamphibian: " + title +
                  "</title><link rel=stylesheet href=/static/app.css></head><body><main class=notice><h1>" + title +
                  "</h1><p>" + escaped + "</p><p><a href=/>Back</a></p></main></body></html>");
}

std::optional<double> Number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

// A review id from its place in a path: UTF-8, not empty, one segment; else
// false with the answer to give.
bool ReviewId(std::string_view encoded, std::string* id, http::Response* refused) {
  *id = http::PercentDecode(encoded);
  if (text::ValidUtf8(*id) != *id) {
    *refused = http::JsonError(400, "a review id is UTF-8 text");
    return false;
  }
  if (id->empty() || id->size() > 200 || id->find('/') != std::string::npos) {
    *refused = http::JsonError(404, "no such review");
    return false;
  }
  return true;
}

bool OneOf(const std::string& v, std::initializer_list<const char*> allowed) {
  return std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return v == a; });
}

}  // namespace

struct AdminService::Caller {
  std::string username;
  bool by_token = false;
  std::string csrf;  // of the session
  bool is_admin = false;  // a GitLab admin (or the API token): may change the model
};

void AddSecurityHeaders(http::Response* r) {
  r->headers.push_back({"Content-Security-Policy",
                        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
                        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"});
  r->headers.push_back({"X-Content-Type-Options", "nosniff"});
  r->headers.push_back({"X-Frame-Options", "DENY"});
  r->headers.push_back({"Referrer-Policy", "no-referrer"});
  r->headers.push_back({"Cache-Control", "no-store"});
}

AdminService::AdminService(AdminServiceOptions options, std::vector<AdminWorker> workers, AdminWorker sign_in,
                           std::unique_ptr<PurgeWorker> purge, metrics::Registry& metrics, spdlog::logger& log)
    : options_(std::move(options)),
      workers_(std::move(workers)),
      requests_(metrics.AddCounter("spamphibian_admin_requests_total", "Requests to the admin listener, by status.",
                                   {"status"})),
      answers_(metrics.AddCounter("spamphibian_review_answers_total",
                                  "Reviewers' answers applied, by outcome and where they came from (page, api, slack).",
                                  {"outcome", "via"})),
      auth_failures_(metrics.AddCounter("spamphibian_admin_auth_failures_total",
                                        "Refused admin requests, by reason (no_credentials, bad_token, bad_session, "
                                        "no_csrf, not_reviewer, oauth, sign_in_rate, sign_in_busy, revoked).",
                                        {"reason"})),
      purge_plans_(metrics.AddCounter("spamphibian_purge_plans_total",
                                      "Purge plans found for reviewers (\"and everything of this author\"), by state: "
                                      "complete, truncated (review.purge_max_items), partial (GitLab stopped it; "
                                      "resumed when asked again).",
                                      {"state"})),
      log_(log),
      logins_(30, 10),
      answers_by_reviewer_(120, 60),
      answers_by_review_(6, 4),
      purge_plans_by_caller_(20, 10) {
  if (sign_in.oauth != nullptr) sign_ins_ = std::make_unique<SignInQueue>(SignInQueueOptions{}, std::move(sign_in));
  if (purge != nullptr) {
    purge_ = std::move(purge);
    purge_queue_ = std::make_unique<WorkQueue>(kPurgePlansWaiting);
  }
  // Cookies are signed with a key every replica derives alike from a secret
  // they share; with none, a random one (sessions then last one process).
  const std::string base = !options_.oauth_client_secret.empty() ? options_.oauth_client_secret.reveal()
                           : !options_.api_token.empty()         ? options_.api_token.reveal()
                                                                 : security::RandomToken(32);
  cookie_key_ = security::HmacSha256(base, "spamphibian admin cookies");
}

AdminService::~AdminService() = default;

std::string AdminService::CookieKey() const { return cookie_key_; }

std::string AdminService::CookieAttributes() const {
  return std::string("; Path=/; HttpOnly; SameSite=Lax") + (options_.admin_url.rfind("https://", 0) == 0 ? "; Secure" : "");
}

void AdminService::Handle(http::Request request, http::Respond respond) {
  AdminWorker& w = workers_[request.worker % workers_.size()];
  http::Response r;
  try {
    if (request.method == "GET" && request.path == "/oauth/callback") return Callback(request, w, std::move(respond));
    if (request.method == "GET" && request.path.starts_with(kReviews) && request.path.ends_with(kPurgePlan)) {
      return PurgePlan(request, w, std::move(respond));
    }
    r = Route(request, w);
  } catch (const std::exception& e) {
    // Hostile or unexpected input must never take the listener down.
    LogJson(log_, spdlog::level::err, "admin_error", {{"path", request.path}, {"error", e.what()}});
    r = http::JsonError(500, "internal error");
  }
  Finish(std::move(r), respond);
}

void AdminService::Finish(http::Response r, const http::Respond& respond) {
  AddSecurityHeaders(&r);
  requests_.With({std::to_string(r.status)}).Inc();
  respond(std::move(r));
}

http::Response AdminService::Route(const http::Request& req, AdminWorker& w) {
  const std::string& p = req.path;
  if (req.method == "GET" && p == "/static/app.js") return Text(200, "text/javascript; charset=utf-8", std::string(kAppJs));
  if (req.method == "GET" && p == "/static/app.css") return Text(200, "text/css; charset=utf-8", std::string(kAppCss));
  if (req.method == "GET" && p == "/login") return Login(req, w);
  if (req.method == "GET" && p == "/") {
    http::Response ignored;
    if (!Authenticate(req, w, &ignored)) return Text(200, "text/html; charset=utf-8", std::string(kSignInHtml));
    return Text(200, "text/html; charset=utf-8", std::string(kReviewPageHtml));
  }

  // A body too large to read is refused before any handler sees the
  // request (a model change must not act on an empty body).
  if (req.body_too_large) return http::JsonError(413, "body too large");
  http::Response refusal;
  const std::optional<Caller> caller = Authenticate(req, w, &refusal);
  if (!caller) return refusal;
  // A signed-in browser proves every change with the session's CSRF token
  // (a header a cross-site form cannot set); a script's bearer token is
  // proof enough.
  if (req.method != "GET" && !caller->by_token && !ConstantTimeEquals(req.Header("X-CSRF-Token"), caller->csrf)) {
    auth_failures_.With({"no_csrf"}).Inc();
    return http::JsonError(403, "missing or wrong X-CSRF-Token");
  }
  if (p == "/logout" && req.method == "POST") return Logout(req, w);
  if (p == "/api/v1/session" && req.method == "GET") {
    return Text(200, "application/json",
                nlohmann::json{{"username", caller->username}, {"csrf_token", caller->csrf},
                               {"gitlab_url", options_.gitlab_url}, {"is_admin", caller->is_admin}}
                    .dump());
  }
  if (p == "/api/v1/reviews" && req.method == "GET") return ListReviews(req, w);
  if (p == "/api/v1/models" || p.starts_with("/api/v1/models/")) return Models(p, req, *caller, w);
  if (p.starts_with(kReviews) && p.size() > kReviews.size()) {
    std::string id;
    if (http::Response refused; !ReviewId(p.substr(kReviews.size()), &id, &refused)) return refused;
    if (req.method == "GET") return GetReview(id, w);
    if (req.method == "POST") return Answer(id, req, *caller, w);
    return http::JsonError(405, "method not allowed");
  }
  return http::JsonError(404, "not found");
}

std::optional<AdminService::Caller> AdminService::Authenticate(const http::Request& req, AdminWorker& w,
                                                              http::Response* refusal) {
  const std::string_view auth = req.Header("Authorization");
  if (!auth.empty()) {
    const std::string_view token = req.BearerToken();
    if (options_.api_token.empty() || token.empty() || !ConstantTimeEquals(token, options_.api_token.reveal())) {
      auth_failures_.With({"bad_token"}).Inc();
      *refusal = http::JsonError(401, "wrong API token");
      return std::nullopt;
    }
    return Caller{"api-token", true, "", true};
  }
  const auto id = VerifyCookie(cookie_key_, std::string(kSessionCookie),
                               CookieValue(req.Header("Cookie"), kSessionCookie));
  if (!id) {
    auth_failures_.With({"no_credentials"}).Inc();
    *refusal = http::JsonError(401, "sign in first (GET /login) or send Authorization: Bearer <ADMIN_API_TOKEN>");
    return std::nullopt;
  }
  Session session;
  bool found = false;
  if (Status s = w.sessions->Find(*id, &session, &found); !s.ok()) {
    *refusal = http::JsonError(503, "Redis: " + s.message());
    return std::nullopt;
  }
  if (!found || session.expires_ms < NowMs()) {
    auth_failures_.With({"bad_session"}).Inc();
    *refusal = http::JsonError(401, "the session has ended; sign in again");
    return std::nullopt;
  }
  // A reviewer who stopped being one (no longer an admin or a member,
  // blocked) must not keep reviewing until the session expires. The check
  // waits on GitLab, so it runs on the sign-in thread; marked first, so
  // that the requests meanwhile do not queue it again.
  const auto check_ms = std::chrono::duration_cast<std::chrono::milliseconds>(options_.reviewer_check).count();
  Session checked = session;
  checked.checked_ms = NowMs();
  if (sign_ins_ != nullptr && checked.checked_ms - session.checked_ms > check_ms && w.sessions->Update(*id, checked).ok()) {
    (void)sign_ins_->SubmitOwn([this, id = *id, session = std::move(checked)](AdminWorker& sw) {
      try {
        Recheck(id, session, sw);
      } catch (const std::exception& e) {  // a GitLab answer of an odd shape: asked again next time
        LogJson(log_, spdlog::level::err, "admin_error", {{"path", "reviewer check"}, {"error", e.what()}});
      }
    });
  }
  return Caller{session.username, false, session.csrf, session.is_admin};
}

http::Response AdminService::Login(const http::Request& req, AdminWorker& w) {
  if (w.oauth == nullptr) {
    return Page(503, "Sign-in is not configured",
                "Set GITLAB_OAUTH_CLIENT_ID, GITLAB_OAUTH_CLIENT_SECRET, ADMIN_URL and GITLAB_URL.");
  }
  if (!logins_.Allow(req.remote_address)) {
    auth_failures_.With({"sign_in_rate"}).Inc();
    http::Response r = Page(429, "Too many sign-ins", "Too many sign-ins were started from here; wait a minute.");
    r.headers.push_back({"Retry-After", "60"});
    return r;
  }
  const std::string state = security::RandomToken(24), verifier = security::RandomToken(48);
  if (Status s = w.sessions->BeginSignIn(state, kSignInTime); !s.ok()) {
    return Page(503, "Sign-in failed", "Redis: " + s.message());
  }
  http::Response r = Redirect(w.oauth->AuthorizeUrl(state, verifier));
  r.headers.push_back({"Set-Cookie", std::string(kOAuthCookie) + "=" +
                                         SignCookie(cookie_key_, std::string(kOAuthCookie), state + "~" + verifier) +
                                         "; Max-Age=600" + CookieAttributes()});
  return r;
}

void AdminService::Callback(const http::Request& req, AdminWorker& w, http::Respond respond) {
  if (sign_ins_ == nullptr) return Finish(Page(503, "Sign-in is not configured", ""), respond);
  const auto query = http::ParseForm(req.query);
  const auto pending = VerifyCookie(cookie_key_, std::string(kOAuthCookie), CookieValue(req.Header("Cookie"), kOAuthCookie));
  const std::string state = http::FormValue(query, "state"), code = http::FormValue(query, "code");
  const std::size_t tilde = pending ? pending->find('~') : std::string::npos;
  if (tilde == std::string::npos || code.empty() || !ConstantTimeEquals(pending->substr(0, tilde), state)) {
    auth_failures_.With({"oauth"}).Inc();
    return Finish(Page(400, "Sign-in failed", "The sign-in did not start here or took too long; start again."), respond);
  }
  // Once only, and within kSignInTime of /login: the server's word, not
  // the cookie's.
  bool fresh = false;
  if (Status s = w.sessions->EndSignIn(state, &fresh); !s.ok()) {
    return Finish(Page(503, "Sign-in failed", "Redis: " + s.message()), respond);
  }
  if (!fresh) {
    auth_failures_.With({"oauth"}).Inc();
    return Finish(Page(400, "Sign-in failed", "This sign-in was used already or took too long; start again."), respond);
  }
  const std::string verifier = pending->substr(tilde + 1);
  const auto admission = sign_ins_->Submit(req.remote_address, [this, code, verifier, respond](AdminWorker& sw) {
    http::Response r;
    try {
      r = FinishSignIn(code, verifier, sw);
    } catch (const std::exception& e) {
      LogJson(log_, spdlog::level::err, "admin_error", {{"path", "/oauth/callback"}, {"error", e.what()}});
      r = http::JsonError(500, "internal error");
    }
    Finish(std::move(r), respond);
  });
  if (admission == SignInQueue::Admission::kQueued) return;
  const bool busy = admission == SignInQueue::Admission::kBusy;
  auth_failures_.With({busy ? "sign_in_busy" : "sign_in_rate"}).Inc();
  http::Response r = busy ? Page(503, "Sign-in failed", "Too many sign-ins at once; start again in a moment.")
                          : Page(429, "Sign-in failed", "Too many sign-ins from here; wait a minute and start again.");
  r.headers.push_back({"Retry-After", busy ? "5" : "60"});
  Finish(std::move(r), respond);
}

http::Response AdminService::FinishSignIn(const std::string& code, const std::string& verifier, AdminWorker& w) {
  std::string token;
  if (Status s = w.oauth->Exchange(code, verifier, &token); !s.ok()) {
    auth_failures_.With({"oauth"}).Inc();
    return Page(s.IsUnavailable() ? 503 : 403, "Sign-in failed", s.message());
  }
  nlohmann::json user;
  if (Status s = w.oauth->CurrentUser(token, &user); !s.ok()) {
    auth_failures_.With({"oauth"}).Inc();
    return Page(s.IsUnavailable() ? 503 : 403, "Sign-in failed", s.message());
  }
  Session session;
  session.username = user.value("username", "");
  session.user_id = user.value("id", std::int64_t{0});
  session.is_admin = user.contains("is_admin") && user["is_admin"].is_boolean() && user["is_admin"].get<bool>();
  bool member = false;
  if (!session.is_admin && !options_.review_groups.empty() && w.in_review_groups) {
    if (Status s = w.in_review_groups(session.user_id, &member); !s.ok()) {
      return Page(503, "Sign-in failed", "GitLab did not say whether you are a reviewer: " + s.message());
    }
  }
  if (!session.is_admin && !member) {
    auth_failures_.With({"not_reviewer"}).Inc();
    LogJson(log_, spdlog::level::warn, "admin_sign_in_refused", {{"username", session.username}});
    return Page(403, "Not a reviewer",
                "@" + session.username + " is neither a GitLab administrator nor a member of a review group.");
  }
  session.csrf = security::RandomToken(32);
  session.expires_ms = NowMs() + std::chrono::duration_cast<std::chrono::milliseconds>(options_.session_lifetime).count();
  session.checked_ms = NowMs();
  std::string id;
  if (Status s = w.sessions->Create(session, &id); !s.ok()) return Page(503, "Sign-in failed", "Redis: " + s.message());
  LogJson(log_, spdlog::level::info, "admin_signed_in", {{"username", session.username}, {"admin", session.is_admin}});
  http::Response r = Redirect(options_.admin_url.empty() ? "/" : options_.admin_url + "/");
  const auto max_age = std::chrono::duration_cast<std::chrono::seconds>(options_.session_lifetime).count();
  r.headers.push_back({"Set-Cookie", std::string(kSessionCookie) + "=" +
                                         SignCookie(cookie_key_, std::string(kSessionCookie), id) +
                                         "; Max-Age=" + std::to_string(max_age) + CookieAttributes()});
  r.headers.push_back({"Set-Cookie", std::string(kOAuthCookie) + "=; Max-Age=0" + CookieAttributes()});
  return r;
}

void AdminService::Recheck(const std::string& session_id, const Session& session, AdminWorker& w) {
  if (!w.user_status) return;
  bool admin = false, active = false, member = false;
  Status s = w.user_status(session.user_id, &admin, &active);
  if (s.ok() && active && !admin && !options_.review_groups.empty() && w.in_review_groups) {
    s = w.in_review_groups(session.user_id, &member);
  }
  if (!s.ok()) {
    // GitLab did not answer: the session stays; asked again next time.
    LogJson(log_, spdlog::level::warn, "admin_reviewer_check_failed",
            {{"username", session.username}, {"error", s.message()}});
    return;
  }
  if (active && (admin || member)) {
    if (admin != session.is_admin) {
      Session updated = session;
      updated.is_admin = admin;
      (void)w.sessions->Update(session_id, updated);
    }
    return;
  }
  (void)w.sessions->Delete(session_id);
  auth_failures_.With({"revoked"}).Inc();
  LogJson(log_, spdlog::level::warn, "admin_session_revoked",
          {{"username", session.username},
           {"reason", !active ? "blocked or deleted in GitLab" : "neither a GitLab admin nor a review group's member"}});
}

http::Response AdminService::Logout(const http::Request& req, AdminWorker& w) {
  if (auto id = VerifyCookie(cookie_key_, std::string(kSessionCookie), CookieValue(req.Header("Cookie"), kSessionCookie))) {
    (void)w.sessions->Delete(*id);
  }
  http::Response r = Text(200, "application/json", R"({"signed_out":true})");
  r.headers.push_back({"Set-Cookie", std::string(kSessionCookie) + "=; Max-Age=0" + CookieAttributes()});
  return r;
}

nlohmann::json AdminService::View(const review::Review& r, const std::vector<nlohmann::json>& actions) const {
  nlohmann::json decision = r.decision.is_object() ? r.decision : nlohmann::json::object();
  nlohmann::json item = decision.contains("item") ? decision["item"] : nlohmann::json::object();
  decision.erase("item");
  gitlab::Item parsed;
  (void)gitlab::FromJson(item, &parsed);
  // What a reviewer needs of the item, without the raw API object (it is
  // in S3) and with the author's e-mail reduced to its domain.
  nlohmann::json text = nlohmann::json::array();
  for (const auto& [field, value] : parsed.text) text.push_back({{"field", field}, {"value", value}});
  nlohmann::json author = {{"id", parsed.author.id},
                           {"username", parsed.author.username},
                           {"name", parsed.author.name},
                           {"email_domain", gitlab::EmailDomain(parsed.author.email)},
                           {"state", parsed.author.state},
                           {"created_at", parsed.author.created_at}};
  if (!options_.gitlab_url.empty() && !parsed.author.username.empty()) {
    author["admin_url"] = options_.gitlab_url + "/admin/users/" + http::PercentEncode(parsed.author.username);
  }
  return {{"review_id", r.id},
          {"state", r.state},
          {"created_ms", r.created_ms},
          {"decision", decision},
          {"item",
           {{"type", parsed.type},
            {"id", parsed.id},
            {"web_url", parsed.web_url},
            {"visibility", parsed.visibility},
            {"created_at", parsed.created_at},
            {"author", author},
            {"text", text}}},
          {"actions", actions},
          {"answers", r.answers}};
}

// GET  /api/v1/models                     the registry, with live precision
// POST /api/v1/models/{version}/promote    (GitLab admins and the API token)
// POST /api/v1/models/{version}/shadow
// POST /api/v1/models/{version}/retire     {"reason"}
// POST /api/v1/models/rollback
// POST /api/v1/models/shadow/stop
http::Response AdminService::Models(const std::string& path, const http::Request& req, const Caller& caller,
                                    AdminWorker& w) {
  if (w.models == nullptr) return http::JsonError(503, "the model registry needs S3 (S3_ENDPOINT, S3_BUCKET)");
  if (path == "/api/v1/models") {
    if (req.method != "GET") return http::JsonError(405, "method not allowed");
    nlohmann::json models;
    if (Status s = w.models->List(&models); !s.ok()) return http::JsonError(503, s.message());
    return Text(200, "application/json", nlohmann::json{{"models", models}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  if (req.method != "POST") return http::JsonError(405, "method not allowed");
  // Changing the model changes what every replica does: GitLab admins only.
  if (!caller.is_admin) return http::JsonError(403, "only GitLab admins change the model");
  const std::string rest = path.substr(std::string_view("/api/v1/models/").size());
  std::string action, version;
  if (rest == "rollback") {
    action = "rollback";
  } else if (rest == "shadow/stop") {
    action = "shadow_stop";
  } else if (const auto slash = rest.find('/'); slash != std::string::npos) {
    version = rest.substr(0, slash);
    action = rest.substr(slash + 1);
    if (action != "promote" && action != "shadow" && action != "retire") return http::JsonError(404, "not found");
  } else {
    return http::JsonError(404, "not found");
  }
  const nlohmann::json body = nlohmann::json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
  if (!body.is_object()) return http::JsonError(400, "the body must be a JSON object");
  const std::string reason = body.contains("reason") && body["reason"].is_string() ? body["reason"].get<std::string>() : "";
  if (reason.size() > 500) return http::JsonError(400, "reason: at most 500 characters");
  nlohmann::json result;
  Status s = w.models->Change(action, version, caller.username, reason, false, &result);
  if (s.IsNotFound()) return http::JsonError(404, s.message());
  if (s.IsInvalidArgument()) return http::JsonError(409, s.message());
  if (!s.ok()) return http::JsonError(503, s.message());
  LogJson(log_, spdlog::level::info, "model_changed", result);
  return Text(200, "application/json", result.dump());
}

http::Response AdminService::ListReviews(const http::Request& req, AdminWorker& w) {
  const auto q = http::ParseForm(req.query);
  review::ReviewQuery query;
  auto get = [&](const char* name, const std::string& fallback) {
    const std::string v = http::FormValue(q, name);
    return v.empty() ? fallback : v;
  };
  query.state = get("state", review::kPending);
  query.verdict = get("verdict", "flagged");
  query.item_type = get("item_type", "any");
  if (query.verdict == "all") query.verdict = "any";
  if (query.state == "all") query.state = "any";
  if (query.item_type == "all") query.item_type = "any";
  if (!OneOf(query.state, {"pending", "confirmed_spam", "not_spam", "skipped", "any"})) {
    return http::JsonError(400, "state: pending, confirmed_spam, not_spam, skipped or all");
  }
  if (!OneOf(query.verdict, {"spam", "suspicious", "ham", "flagged", "any"})) {
    return http::JsonError(400, "verdict: spam, suspicious, ham, flagged or all");
  }
  if (!OneOf(query.item_type,
             {"user", "project", "group", "issue", "note", "merge_request", "wiki_page", "snippet", "any"})) {
    return http::JsonError(400, "item_type: user, project, group, issue, note, merge_request, wiki_page, snippet or all");
  }
  for (auto [name, field] : {std::pair{"min_score", &query.min_score}, std::pair{"max_score", &query.max_score}}) {
    const std::string v = http::FormValue(q, name);
    if (v.empty()) continue;
    *field = Number(v);
    if (!*field || !std::isfinite(**field) || **field < 0 || **field > 1) {
      return http::JsonError(400, std::string(name) + ": a number in [0, 1]");
    }
  }
  if (const std::string limit = http::FormValue(q, "limit"); !limit.empty()) {
    const auto n = Number(limit);
    if (!n || *n < 1 || *n > 200 || *n != static_cast<double>(static_cast<int>(*n))) {
      return http::JsonError(400, "limit: a whole number from 1 to 200");
    }
    query.limit = static_cast<std::size_t>(*n);
  }
  query.cursor = http::FormValue(q, "cursor");
  if (const std::string d = http::FormValue(q, "disagree"); !d.empty()) {
    if (d != "1" && d != "0") return http::JsonError(400, "disagree: 1 or 0");
    query.disagree = d == "1";
  }
  review::ReviewPage page;
  if (Status s = w.reviews->List(query, &page); !s.ok()) {
    return http::JsonError(s.IsInvalidArgument() ? 400 : 503, s.message());
  }
  std::vector<std::string> keys;
  for (const auto& r : page.reviews) {
    keys.push_back(r.decision.value("item_type", "") + ":" + r.decision.value("item_id", ""));
  }
  std::vector<std::vector<nlohmann::json>> actions;
  if (Status s = w.ledger->RecordsOf(keys, &actions); !s.ok()) return http::JsonError(503, "Redis: " + s.message());
  nlohmann::json out = {{"reviews", nlohmann::json::array()},
                        {"next_cursor", page.next_cursor.empty() ? nlohmann::json() : nlohmann::json(page.next_cursor)}};
  for (std::size_t i = 0; i < page.reviews.size(); ++i) out["reviews"].push_back(View(page.reviews[i], actions[i]));
  return Text(200, "application/json", out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

http::Response AdminService::GetReview(const std::string& id, AdminWorker& w) {
  review::Review r;
  bool found = false;
  if (Status s = w.reviews->Get(id, &r, &found); !s.ok()) return http::JsonError(503, "Redis: " + s.message());
  if (!found) return http::JsonError(404, "no review " + id);
  std::vector<std::vector<nlohmann::json>> actions;
  if (Status s = w.ledger->RecordsOf({r.decision.value("item_type", "") + ":" + r.decision.value("item_id", "")}, &actions);
      !s.ok()) {
    return http::JsonError(503, "Redis: " + s.message());
  }
  nlohmann::json view = View(r, actions.front());
  std::vector<review::Review> others;
  const std::int64_t author = view["item"]["author"].value("id", std::int64_t{0});
  if (Status s = w.reviews->OfAuthor(author, id, 20, &others); !s.ok()) return http::JsonError(503, "Redis: " + s.message());
  auto brief = [](const review::Review& o) {
    return nlohmann::json{{"review_id", o.id},
                          {"state", o.state},
                          {"item_type", o.decision.value("item_type", "")},
                          {"author", o.decision.value("author", "")},
                          {"verdict", o.decision.value("verdict", "")},
                          {"score", o.decision.contains("score") ? o.decision["score"] : nlohmann::json()}};
  };
  view["author_reviews"] = nlohmann::json::array();
  for (const auto& o : others) view["author_reviews"].push_back(brief(o));
  // The campaign: other reviews linking to the same domains.
  view["campaign_reviews"] = nlohmann::json::array();
  for (const auto& domain : r.link_domains) {
    std::vector<review::Review> same;
    if (Status s = w.reviews->OfDomain(domain, id, 20, &same); !s.ok()) return http::JsonError(503, "Redis: " + s.message());
    for (const auto& o : same) {
      nlohmann::json b = brief(o);
      b["domain"] = domain;
      view["campaign_reviews"].push_back(std::move(b));
    }
  }
  return Text(200, "application/json", view.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

http::Response AdminService::Answer(const std::string& id, const http::Request& req, const Caller& caller,
                                    AdminWorker& w) {
  if (req.body.size() > kMaxAnswerBody || req.body_too_large) return http::JsonError(413, "body too large");
  const nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
  if (!body.is_object()) return http::JsonError(400, "body: a JSON object {\"outcome\", \"scope\", \"trust_author\"}");
  review::OutcomeRequest request;
  if (!body.contains("outcome") || !body["outcome"].is_string()) return http::JsonError(400, "outcome: spam, ham or skip");
  request.outcome = body["outcome"].get<std::string>();
  if (body.contains("scope")) {
    if (!body["scope"].is_string()) return http::JsonError(400, "scope: item or author");
    request.scope = body["scope"].get<std::string>();
  }
  if (body.contains("trust_author")) {
    if (!body["trust_author"].is_boolean()) return http::JsonError(400, "trust_author: true or false");
    request.trust_author = body["trust_author"].get<bool>();
  }
  if (body.contains("purge_plan")) {
    // The plan the reviewer was shown, and no other: a plan found again
    // since (other items) has another id.
    if (!body["purge_plan"].is_string()) return http::JsonError(400, "purge_plan: the purge_id of GET …/purge-plan");
    if (request.scope != "author" || request.outcome != "spam") {
      return http::JsonError(400, "purge_plan: only with outcome spam and scope author");
    }
    purge::PurgePlan plan;
    bool found = false;
    if (Status s = w.purge_plans->Load(id, &plan, &found); !s.ok()) return http::JsonError(503, "Redis: " + s.message());
    if (!found || plan.purge_id != body["purge_plan"].get<std::string>()) {
      return http::JsonError(409, "that purge plan is not this review's current one; GET the purge plan again");
    }
    if (!plan.ready()) return http::JsonError(409, "the purge plan is not complete (" + plan.stopped + "); GET it again to continue");
    request.purge = purge::ForAct(plan);
  }
  if ((!caller.by_token && !answers_by_reviewer_.Allow(caller.username)) || !answers_by_review_.Allow(id)) {
    http::Response r = http::JsonError(429, "too many answers; wait a little");
    r.headers.push_back({"Retry-After", "10"});
    return r;
  }
  const review::Reviewer reviewer{caller.username, caller.by_token ? "api" : "page"};
  review::OutcomeResult result;
  if (Status s = review::Decide(*w.reviews, id, request, reviewer, options_.policy, &result); !s.ok()) {
    if (s.IsNotFound()) return http::JsonError(404, s.message());
    if (s.IsInvalidArgument()) return http::JsonError(400, s.message());
    return http::JsonError(503, s.message());
  }
  if (result.applied) {
    answers_.With({request.outcome, reviewer.via}).Inc();
    LogJson(log_, spdlog::level::info, "review_answered",
            {{"review_id", id}, {"outcome", request.outcome}, {"reviewer", reviewer.username}, {"via", reviewer.via}});
  }
  return Text(200, "application/json",
              nlohmann::json{{"review_id", id}, {"state", result.state}, {"applied", result.applied}, {"done", result.done}}
                  .dump());
}

void AdminService::PurgePlan(const http::Request& req, AdminWorker& w, http::Respond respond) {
  http::Response refusal;
  const std::optional<Caller> caller = Authenticate(req, w, &refusal);
  if (!caller) return Finish(std::move(refusal), respond);
  if (!purge_plans_by_caller_.Allow(caller->username)) {
    http::Response r = http::JsonError(429, "too many purge plans asked for; wait a little");
    r.headers.push_back({"Retry-After", "10"});
    return Finish(std::move(r), respond);
  }
  const std::string_view rest = std::string_view(req.path).substr(kReviews.size());
  std::string id;
  if (http::Response refused; !ReviewId(rest.substr(0, rest.size() - kPurgePlan.size()), &id, &refused)) {
    return Finish(std::move(refused), respond);
  }
  if (purge_ == nullptr) return Finish(http::JsonError(503, "no GitLab configured (GITLAB_URL, GITLAB_TOKEN)"), respond);
  const bool refresh = http::FormValue(http::ParseForm(req.query), "refresh") == "1";
  const bool queued = purge_queue_->Submit([this, id, refresh, respond] {
    http::Response r;
    try {
      r = FindPurgePlan(id, refresh);
    } catch (const std::exception& e) {  // GitLab's answers are input like any other
      LogJson(log_, spdlog::level::err, "admin_error", {{"path", "purge-plan"}, {"error", e.what()}});
      r = http::JsonError(500, "internal error");
    }
    Finish(std::move(r), respond);
  });
  if (!queued) {
    http::Response r = http::JsonError(503, "purge plans are being found for other reviews; try again shortly");
    r.headers.push_back({"Retry-After", "5"});
    Finish(std::move(r), respond);
  }
}

http::Response AdminService::FindPurgePlan(const std::string& id, bool refresh) {
  review::Review r;
  bool found = false;
  if (Status s = purge_->reviews->Get(id, &r, &found); !s.ok()) return http::JsonError(503, "Redis: " + s.message());
  if (!found) return http::JsonError(404, "no review " + id);
  gitlab::Item item;
  if (Status s = gitlab::FromJson(r.decision.value("item", nlohmann::json::object()), &item); !s.ok()) {
    return http::JsonError(422, "the review's item cannot be read: " + s.message());
  }
  if (item.author.id <= 0) return http::JsonError(422, "the review's item names no author");
  purge_->set_deadline(std::chrono::steady_clock::now() + purge_->budget);
  purge::PurgePlan plan;
  Status s = purge_->planner->PlanFor(id, item, refresh, &plan);
  purge_->set_deadline(std::nullopt);
  if (!s.ok()) return http::JsonError(503, "Redis: " + s.message());
  purge_plans_.With({plan.state}).Inc();
  LogJson(log_, spdlog::level::info, "purge_plan",
          {{"review_id", id}, {"purge_id", plan.purge_id}, {"state", plan.state}, {"items", plan.items.size()},
           {"stopped", plan.stopped}});
  return Text(200, "application/json",
              purge::ToJson(plan, true).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace spamphibian::admin
