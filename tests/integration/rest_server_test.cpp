// The HTTP server itself: keep-alive and pipelining, errors in one shape,
// body and header limits, malformed requests, slow clients dropped,
// concurrent clients, /healthz and /metrics (also on their own listener).
#include <unistd.h>

#include <condition_variable>
#include <csignal>
#include <mutex>

#include <thread>

#include "adapters/rest/server.h"
#include "rest_fixture.h"

namespace setia::it {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class RestServer : public RestTest {};

void expect_error_shape(const HttpResponse& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/json");
  auto j = r.json();
  ASSERT_TRUE(j.is_object()) << r.body;
  ASSERT_TRUE(j.contains("error")) << r.body;
  EXPECT_EQ(j["error"]["code"], code) << r.body;
  EXPECT_TRUE(j["error"]["message"].is_string());
  EXPECT_FALSE(j["error"]["message"].get<std::string>().empty());
}

TEST_F(RestServer, KeepAliveServesManyRequestsOnOneConnection) {
  for (int i = 0; i < 20; ++i) {
    auto r = http().get("/healthz");
    ASSERT_EQ(r.status, 200) << r.body;
  }
  EXPECT_EQ(http().connections(), 1);
  EXPECT_TRUE(http().connected());
}

TEST_F(RestServer, PipelinedRequestsAreAnsweredInOrder) {
  int fd = tcp_connect(port_);
  ASSERT_GE(fd, 0);
  std::string two = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/nowhere HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_TRUE(send_all(fd, two));
  std::string carry;
  auto a = read_response(fd, carry);
  auto b = read_response(fd, carry);
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(b.status, 404);
  ::close(fd);
}

TEST_F(RestServer, UnknownPathIs404WrongMethodIs405AndNoTokenIs401) {
  expect_error_shape(http().get("/v1/nowhere"), 404, "not_found");
  auto r = http().request("PUT", "/v1/me", "{}");
  expect_error_shape(r, 405, "method_not_allowed");
  EXPECT_NE(r.header("allow").find("GET"), std::string::npos);
  EXPECT_NE(r.header("allow").find("PATCH"), std::string::npos);
  auto u = http().get("/v1/me");
  expect_error_shape(u, 401, "unauthenticated");
  EXPECT_EQ(u.header("www-authenticate"), "Bearer");
  expect_error_shape(http().get("/v1/me", "not-a-token"), 401, "unauthenticated");
  expect_error_shape(http().get("/v1/me", std::string(43, 'A')), 401, "unauthenticated");
  // Still one connection: errors keep it alive.
  EXPECT_EQ(http().connections(), 1);
}

TEST_F(RestServer, BodiesThatAreNotAJsonObjectAre400) {
  expect_error_shape(http().request("POST", "/v1/auth/login", "{not json", "", {{"Content-Type", "application/json"}}),
                     400, "invalid");
  expect_error_shape(http().post("/v1/auth/login", json::array({1, 2})), 400, "invalid");
  expect_error_shape(http().request("POST", "/v1/auth/login", ""), 400, "invalid");
  expect_error_shape(http().post("/v1/auth/login", {{"login", 5}, {"password", "x"}}), 400, "invalid");
}

TEST_F(RestServer, BodyOverTheLimitIs413AndTheConnectionCloses) {
  int fd = tcp_connect(port_);
  ASSERT_GE(fd, 0);
  // Content-Length alone is enough to refuse: the body is never read.
  ASSERT_TRUE(send_all(fd,
                       "POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                       "Content-Length: 70000\r\n\r\n{\"login\":"));
  std::string carry;
  auto r = read_response(fd, carry);
  expect_error_shape(r, 413, "too_large");
  EXPECT_TRUE(closed_by_peer(fd, 5s));
  ::close(fd);

  // A chunked body that grows past the limit, too.
  fd = tcp_connect(port_);
  ASSERT_GE(fd, 0);
  std::string chunk(16 * 1024, 'a');
  std::string req = "POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 5; ++i) req += "4000\r\n" + chunk + "\r\n";
  send_all(fd, req);  // the server may close before it has all of it
  carry.clear();
  r = read_response(fd, carry);
  expect_error_shape(r, 413, "too_large");
  ::close(fd);

  // Just under the limit is read and answered (here: not JSON, 400).
  HttpClient c(port_);
  auto ok = c.request("POST", "/v1/auth/login", std::string(60 * 1024, ' ') + "{}", "",
                      {{"Content-Type", "application/json"}});
  EXPECT_EQ(ok.status, 400) << ok.body;
}

TEST_F(RestServer, HeadersOverTheLimitAre431) {
  int fd = tcp_connect(port_);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(send_all(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9000, 'x') + "\r\n\r\n"));
  std::string carry;
  auto r = read_response(fd, carry);
  expect_error_shape(r, 431, "headers_too_large");
  EXPECT_TRUE(closed_by_peer(fd, 5s));
  ::close(fd);
}

TEST_F(RestServer, MalformedRequestIs400AndCloses) {
  int fd = tcp_connect(port_);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(send_all(fd, "THIS IS NOT HTTP\r\n\r\n"));
  std::string carry;
  auto r = read_response(fd, carry);
  expect_error_shape(r, 400, "invalid");
  EXPECT_TRUE(closed_by_peer(fd, 5s));
  ::close(fd);
  // The server still serves everyone else.
  EXPECT_EQ(http().get("/healthz").status, 200);
}

TEST_F(RestServer, BadPercentEncodingAndRepeatedQueryKeysAre400) {
  expect_error_shape(http().get("/healthz?a=%zz"), 400, "invalid");
  expect_error_shape(http().get("/healthz?a=1&a=2"), 400, "invalid");
}

TEST_F(RestServer, SlowClientIsDroppedAtTheReadTimeout) {
  start(rest_yaml("  read_timeout_s: 2\n"));
  int fd = tcp_connect(port_);
  ASSERT_GE(fd, 0);
  // Slowloris: a byte now and then, never a whole request.
  auto started = std::chrono::steady_clock::now();
  std::string partial = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ";
  bool dropped = false;
  for (std::size_t i = 0; i < partial.size() + 20 && !dropped; ++i) {
    if (!send_all(fd, std::string(1, i < partial.size() ? partial[i] : 'z'))) dropped = true;
    if (closed_by_peer(fd, 400ms)) dropped = true;
  }
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_TRUE(dropped);
  EXPECT_GE(took, 1500ms);
  EXPECT_LE(took, 6s);
  ::close(fd);

  // An idle kept-alive connection is dropped too, and the client's next
  // request goes on a new one.
  EXPECT_EQ(http().get("/healthz").status, 200);
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(http().get("/healthz").status, 200);
  EXPECT_EQ(http().connections(), 2);
}

TEST_F(RestServer, ManyClientsAtOnce) {
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      HttpClient c(port_);
      for (int i = 0; i < 25; ++i) {
        if (c.get("/healthz").status == 200) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 200);
}

// rest.max_connections: one connection more is told 503 and closed at
// once; a slot freed lets the next one in; /metrics counts the refusals.
TEST_F(RestServer, OneConnectionOverTheCapIsAnswered503AndClosed) {
  start(rest_yaml("  max_connections: 3\n"));
  std::vector<int> idle;
  for (int i = 0; i < 3; ++i) {
    idle.push_back(tcp_connect(port_));
    ASSERT_GE(idle.back(), 0);
  }
  std::this_thread::sleep_for(200ms);  // the server has taken all three
  int extra = tcp_connect(port_);
  ASSERT_GE(extra, 0);
  std::string carry;
  auto refused = read_response(extra, carry, 5s);
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(refused.header("retry-after"), "1");
  EXPECT_EQ(refused.json()["error"]["code"], "unavailable");
  EXPECT_TRUE(closed_by_peer(extra, 2s));
  ::close(extra);
  EXPECT_TRUE(daemon_->wait_for_log("3 connections open (rest.max_connections)", 5s)) << daemon_->log();

  ::close(idle.back());
  idle.pop_back();
  // The server frees the slot once it reads the close: until then a new
  // connection may be refused again (and counted).
  int status = 0, refusals = 1;
  for (int i = 0; i < 50 && status != 200; ++i) {
    HttpClient c(port_);
    status = c.get("/healthz").status;
    if (status == 503) ++refusals;
    if (status != 200) std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(status, 200);
  for (int fd : idle) ::close(fd);
  std::this_thread::sleep_for(200ms);
  auto metrics = http().get("/metrics");
  EXPECT_NE(metrics.body.find("setia_http_requests_total{method=\"other\",route=\"unparsed\",status=\"503\"} " +
                              std::to_string(refusals) + "\n"),
            std::string::npos)
      << metrics.body;
}

TEST_F(RestServer, HealthzSaysWhatIsUp) {
  auto r = http().get("/healthz");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.json();
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["checks"]["broker"]["ok"], true);
  EXPECT_EQ(j["checks"]["database"]["ok"], true);
  EXPECT_EQ(j["checks"]["rules"]["ok"], true);
  EXPECT_EQ(j["checks"]["rules"]["version"].get<std::string>().size(), 16u);
}

TEST_F(RestServer, HealthzIs503WhenTheDatabaseIsDown) {
  TcpProxy proxy(conninfo_port(pg_conninfo()));
  std::string conninfo = pg_conninfo();
  auto pos = conninfo.find("port=");
  conninfo = conninfo.substr(0, pos) + "port=" + std::to_string(proxy.port()) +
             conninfo.substr(conninfo.find(' ', pos) == std::string::npos ? conninfo.size() : conninfo.find(' ', pos));
  daemon_.reset();
  Daemon::Options o;
  o.rules_yaml = kRestRules;
  o.extra_yaml = rest_yaml();
  o.conninfo = conninfo;
  daemon_ = std::make_unique<Daemon>(o);
  daemon_->start();
  HttpClient c(daemon_->rest_port());
  http_ = std::make_unique<HttpClient>(daemon_->rest_port());
  ASSERT_EQ(c.get("/healthz").status, 200);
  auto m = register_member("Ocha");
  proxy.cut();
  auto r = c.get("/healthz");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(r.json()["status"], "unavailable");
  EXPECT_EQ(r.json()["checks"]["database"]["ok"], false);
  // Nothing of the database's text reaches anyone: not the unauthenticated
  // /healthz, not a member's 503; the log has it.
  auto me = c.get("/v1/me", m.token);
  EXPECT_EQ(me.status, 503) << me.body;
  EXPECT_EQ(me.header("retry-after").empty(), false);
  EXPECT_EQ(me.json()["error"]["message"],
            "Setia cannot answer right now (it is busy or under maintenance); try again in a few seconds");
  for (const auto& body : {r.body, me.body}) {
    for (const char* leak : {"SELECT", "port", "127.0.0.1", "server", "connection", "SQLSTATE", "database error"}) {
      EXPECT_EQ(body.find(leak), std::string::npos) << leak << " in " << body;
    }
  }
  EXPECT_TRUE(daemon_->wait_for_log("GET /v1/me: 503: ", std::chrono::seconds(5))) << daemon_->log();
  proxy.restore();
  bool back = false;
  for (int i = 0; i < 50 && !back; ++i) {
    back = c.get("/healthz").status == 200;
    if (!back) std::this_thread::sleep_for(200ms);
  }
  EXPECT_TRUE(back);
}

TEST_F(RestServer, MetricsCountEventsRequestsAndBacklog) {
  auto m = register_member("Ocha");
  send_sales({sale(store_, unique("evt"), "R-1", 4, 13000, m.code)});
  // A bad one: a dead letter.
  Probe probe({daemon_->options().topic_prefix + "/+/deadletter"});
  probe.publish(daemon_->options().topic_prefix + "/" + store_ + "/pos/sale", "not json");
  ASSERT_EQ(probe.wait("/deadletter", 1).size(), 1u);
  http().get("/v1/me", m.token);
  http().get("/v1/me/transactions/999999999", m.token);

  auto r = http().get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const auto& t = r.body;
  EXPECT_NE(t.find("# TYPE setia_events_total counter"), std::string::npos) << t;
  EXPECT_NE(t.find("setia_events_total{status=\"applied\"} 1"), std::string::npos) << t;
  EXPECT_NE(t.find("setia_events_total{status=\"rejected\"} 1"), std::string::npos) << t;
  EXPECT_NE(t.find("setia_dead_letters_total 1"), std::string::npos) << t;
  EXPECT_NE(t.find("setia_event_processing_seconds_bucket{le=\"+Inf\"} 2"), std::string::npos) << t;
  EXPECT_NE(t.find("setia_event_processing_seconds_count 2"), std::string::npos) << t;
  EXPECT_NE(t.find("setia_http_requests_total{method=\"GET\",route=\"/v1/me\",status=\"200\"} 1"), std::string::npos)
      << t;
  EXPECT_NE(t.find("setia_http_requests_total{method=\"GET\",route=\"/v1/me/transactions/{id}\",status=\"404\"} 1"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("setia_http_requests_total{method=\"POST\",route=\"/v1/auth/register\",status=\"201\"} 1"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("setia_http_request_duration_seconds_bucket{route=\"/v1/me\",le=\"0.001\"}"), std::string::npos)
      << t;
  EXPECT_NE(t.find("setia_outbox_backlog{status=\"pending\"}"), std::string::npos) << t;
  EXPECT_NE(t.find("setia_outbox_backlog{status=\"dead\"}"), std::string::npos) << t;
  EXPECT_NE(t.find("setia_dead_letters_stored "), std::string::npos) << t;
  // The answers: the sale's result and the dead letter, both acknowledged
  // by the broker (the probe got the dead letter, so the broker has it);
  // none waiting, none lost.
  auto count_of = [&](const std::string& series) -> long long {  // the value on the series' own line
    auto at = t.find("\n" + series + " ");
    return at == std::string::npos ? -1 : std::stoll(t.substr(at + series.size() + 2));
  };
  EXPECT_GE(count_of("setia_answers_total{outcome=\"sent\"}"), 1) << t;
  EXPECT_EQ(count_of("setia_answers_total{outcome=\"unsendable\"}"), -1) << "no such series until one happens";
  EXPECT_EQ(count_of("setia_answers_queued{state=\"waiting\"}"), 0) << t;
  EXPECT_EQ(count_of("setia_answer_queue_full_total"), 0) << t;
  // A scan of random paths does not add series per path.
  http().get("/random/" + unique("x"));
  auto again = http().get("/metrics").body;
  EXPECT_EQ(again.find("/random/"), std::string::npos);
  EXPECT_NE(again.find("route=\"unmatched\""), std::string::npos);
}

TEST_F(RestServer, OpsEndpointsOnTheirOwnListener) {
  start(rest_yaml("  ops_listen: 127.0.0.1:0\n"));
  int ops = daemon_->ops_port();
  ASSERT_GT(ops, 0) << daemon_->log();
  ASSERT_NE(ops, port_);
  HttpClient o(ops);
  EXPECT_EQ(o.get("/healthz").status, 200);
  EXPECT_EQ(o.get("/metrics").status, 200);
  // Not on the API listener, and the API not on the ops listener.
  EXPECT_EQ(http().get("/healthz").status, 404);
  EXPECT_EQ(http().get("/metrics").status, 404);
  EXPECT_EQ(o.post("/v1/auth/login", {{"login", "x"}, {"password", "y"}}).status, 404);
}

TEST_F(RestServer, SigtermStopsTheApiAndExitsZeroWithConnectionsOpen) {
  ASSERT_EQ(http().get("/healthz").status, 200);  // a kept-alive connection stays open
  int idle = tcp_connect(port_);                   // and one that never sends
  ASSERT_GE(idle, 0);
  daemon_->signal(SIGTERM);
  EXPECT_EQ(daemon_->wait_exit(), 0) << daemon_->log();
  EXPECT_TRUE(closed_by_peer(idle, 5s));
  ::close(idle);
  EXPECT_EQ(tcp_connect(port_), -1);  // nothing listens any more
}

// Handlers run on threads of their own (issue 14, point 3): two handlers
// blocked on a slow dependency hold up no read or write, and a request past
// the bounded queue is answered 503 at once, by the I/O thread, not left
// hanging. The Server alone, with a handler of the test's.
TEST(RestServerPool, ASlowHandlerHoldsUpNoOneAndTheQueueIsBounded) {
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> entered{0};
  adapters::rest::Server server(1, adapters::rest::ServerLimits{.max_queued = 2});
  std::vector<unsigned> refused;
  server.on_refused = [&](unsigned status) { refused.push_back(status); };
  auto bound = server.listen("127.0.0.1:0", [&](const adapters::rest::Request& r) {
    if (r.path == "/slow") {
      ++entered;
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return release; });
    }
    return adapters::rest::Response{200, "text/plain", "ok", {}, false};
  });
  ASSERT_TRUE(bound) << bound.error();
  server.start();
  const int port = std::stoi(bound->substr(bound->rfind(':') + 1));
  HttpResponse a, b;
  std::thread first([&] { a = HttpClient(port).get("/slow"); });
  std::thread second([&] { b = HttpClient(port).get("/slow"); });
  // One in the only handler thread, one waiting: the queue's two places.
  for (int i = 0; i < 2000 && (entered.load() < 1 || server.queued() < 2); ++i) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(server.queued(), 2u);
  auto third = HttpClient(port).get("/fast");
  EXPECT_EQ(third.status, 503) << third.body;
  EXPECT_EQ(third.header("retry-after"), "1");
  EXPECT_EQ(refused, std::vector<unsigned>{503});
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  first.join();
  second.join();
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(b.status, 200);
  EXPECT_EQ(HttpClient(port).get("/fast").status, 200) << "room again";
  server.stop();
}

TEST(RestConfig, EveryRestKeyIsValidated) {
  TempDir dir;
  dir.write("rules/default.yaml", kRestRules);
  auto check = [&](const std::string& rest) {
    dir.write("setiad.yaml", "rules:\n  dir: " + (dir.path() / "rules").string() + "\nrest:\n" + rest);
    return run({SETIAD_PATH, "--config", (dir.path() / "setiad.yaml").string(), "--check-config"});
  };
  EXPECT_EQ(check("  listen: 127.0.0.1:0\n  threads: 8\n  trust_forwarded_for: true\n").exit_code, 0);
  struct Bad {
    std::string yaml, says;
  };
  for (const auto& b :
       std::vector<Bad>{{"  listen: nowhere\n", "rest.listen"},
                        {"  listen: 127.0.0.1:70000\n", "rest.listen"},
                        {"  ops_listen: 127.0.0.1:8080\n", "rest.ops_listen must differ"},
                        {"  public_url: https://crm.example/\n", "rest.public_url"},
                        {"  public_url: ftp://crm.example\n", "rest.public_url"},
                        {"  threads: 0\n", "rest.threads"},
                        {"  max_body_bytes: 10\n", "rest.max_body_bytes"},
                        {"  max_header_bytes: 100000000\n", "rest.max_header_bytes"},
                        {"  read_timeout_s: 0\n", "rest.read_timeout_s"},
                        {"  write_timeout_s: -1\n", "rest.write_timeout_s"},
                        {"  token_ttl_days: 0\n", "rest.token_ttl_days"},
                        {"  trust_forwarded_for: maybe\n", "rest.trust_forwarded_for"},
                        {"  trusted_proxies: \"10.0.0.5, proxy.internal\"\n", "'proxy.internal' is not one"},
                        {"  argon2_opslimit: 0\n", "rest.argon2_opslimit"},
                        {"  argon2_memlimit_kib: 4\n", "rest.argon2_memlimit_kib"},
                        {"  login_max_failures: 0\n", "rest.login_max_failures"},
                        {"  login_failure_window_s: 0\n", "rest.login_failure_window_s"},
                        {"  login_max_attempts_per_address: 0\n", "rest.login_max_attempts_per_address"},
                        {"  login_address_window_s: 0\n", "rest.login_address_window_s"},
                        {"  listn: 127.0.0.1:1\n", "unknown key 'listn'"}}) {
    auto r = check(b.yaml);
    EXPECT_EQ(r.exit_code, 1) << b.yaml;
    EXPECT_NE(r.err.find(b.says), std::string::npos) << b.yaml << " -> " << r.err;
    EXPECT_NE(r.err.find("setiad.yaml:"), std::string::npos) << r.err;  // file:line:column
  }
}

}  // namespace
}  // namespace setia::it
