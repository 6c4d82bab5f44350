// sale_bench: the end-to-end sale benchmark (bench/README.md).
//
// Generates N valid setia.pos.sale/1 events for one store (a café basket of
// 1-4 lines, integer rupiah, members round-robin, event_id and receipt_no
// unique per run), sends them to a running setiad through the POS library
// (publish, wait for the result, republish on timeout, at most `--window`
// awaiting their result), and prints the throughput and the publish->result
// latency. The last line is `RESULT {json}` for scripts (bench/run.sh).
//
// It measures; it asserts nothing about time. It exits 1 when a sale was
// rejected or never answered, since then the figures are not those of N
// applied sales.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/pos/pos_client.h"
#include "tests/support/junk.h"

namespace {

using nlohmann::json;
using setia::adapters::pos::PosClient;
using setia::adapters::pos::PosEvent;
using setia::adapters::pos::PosOptions;
using setia::adapters::pos::PosResult;

constexpr const char* kUsage =
    "usage: sale_bench --mqtt URI --prefix P --store S --members CODE1,CODE2,... --sales N --window W\n"
    "                  [--timeout-ms MS] [--deadline-s S] [--client-id ID] [--seed N] [--backlog FILE]\n"
    "                  [--junk N] [--rate R]\n"
    "  --mqtt URI        broker, e.g. tcp://127.0.0.1:1883\n"
    "  --prefix P        setiad's mqtt.topic_prefix\n"
    "  --store S         store id; sales go to {P}/{S}/pos/sale\n"
    "  --members LIST    member codes of store S, used round-robin\n"
    "  --sales N         number of sales (distinct events)\n"
    "  --window W        at most W sales awaiting their result; 0: all at once (a burst). The QoS 1\n"
    "                    publishes stay within the broker's Receive Maximum (20) either way\n"
    "  --timeout-ms MS   republish (same event_id) when no result came in MS (default 10000)\n"
    "  --deadline-s S    give up on what is still unanswered after S seconds (default 900)\n"
    "  --client-id ID    MQTT client id (default sale-bench-PID)\n"
    "  --seed N          seed of the basket generator (default 20200527): same seed, same baskets\n"
    "  --backlog FILE    publish every sale first (setiad should be stopped: they queue in its\n"
    "                    session), print 'backlog published', wait until FILE exists (the caller\n"
    "                    creates it as it starts setiad) and time from then to the last result\n"
    "  --junk N          meanwhile, a second client floods the same topic with N malformed payloads\n"
    "                    (five kinds a broken till sends; each must become a dead letter)\n"
    "  --rate R          publish at most R sales per second (a steady pace; with --window 0 each\n"
    "                    sale's latency is its own, not held back by the one before)\n";

struct Args {
  std::string mqtt, prefix, store, client_id, backlog_file;
  std::vector<std::string> members;
  std::size_t sales = 0, window = 20, junk = 0, rate = 0;
  long timeout_ms = 10000, deadline_s = 900;
  unsigned long seed = 20200527;
};

[[noreturn]] void die(const std::string& msg, int code = 2) {
  std::fprintf(stderr, "sale_bench: %s\n", msg.c_str());
  if (code == 2) std::fputs(kUsage, stderr);
  std::exit(code);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    auto pos = s.find(sep, start);
    auto part = s.substr(start, pos == std::string::npos ? std::string::npos : pos - start);
    if (!part.empty()) out.push_back(part);
    if (pos == std::string::npos) return out;
    start = pos + 1;
  }
}

unsigned long to_number(const std::string& flag, const std::string& v) {
  try {
    std::size_t used = 0;
    auto n = std::stoul(v, &used);
    if (used != v.size()) throw std::invalid_argument(v);
    return n;
  } catch (const std::exception&) {
    die(flag + " takes a whole number, not '" + v + "'");
  }
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string f = argv[i];
    if (f == "--help" || f == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (i + 1 >= argc) die("unknown argument or missing value: " + f);
    std::string v = argv[++i];
    if (f == "--mqtt")
      a.mqtt = v;
    else if (f == "--prefix")
      a.prefix = v;
    else if (f == "--store")
      a.store = v;
    else if (f == "--members")
      a.members = split(v, ',');
    else if (f == "--sales")
      a.sales = to_number(f, v);
    else if (f == "--window")
      a.window = to_number(f, v);
    else if (f == "--timeout-ms")
      a.timeout_ms = static_cast<long>(to_number(f, v));
    else if (f == "--deadline-s")
      a.deadline_s = static_cast<long>(to_number(f, v));
    else if (f == "--client-id")
      a.client_id = v;
    else if (f == "--seed")
      a.seed = to_number(f, v);
    else if (f == "--backlog")
      a.backlog_file = v;
    else if (f == "--junk")
      a.junk = to_number(f, v);
    else if (f == "--rate")
      a.rate = to_number(f, v);
    else
      die("unknown argument: " + f);
  }
  if (a.mqtt.empty() || a.prefix.empty() || a.store.empty()) die("--mqtt, --prefix and --store are required");
  if (a.members.empty()) die("--members needs at least one member code");
  if (a.sales == 0) die("--sales must be at least 1");
  if (a.window > 1000000) die("--window must be 0 (all at once) to 1000000");
  if (a.client_id.empty()) a.client_id = "sale-bench-" + std::to_string(::getpid());
  return a;
}

// A small café menu (Marikh Salatiga's kind of shop), prices in rupiah.
struct MenuItem {
  const char* sku;
  const char* name;
  long long price;
  const char* category;
};
constexpr MenuItem kMenu[] = {
    {"NC-01", "Nasi Cakalang", 13000, "food"},   {"NG-01", "Nasi Goreng Kampung", 18000, "food"},
    {"MG-01", "Mie Goreng Jawa", 17000, "food"}, {"RB-01", "Roti Bakar Coklat Keju", 15000, "snack"},
    {"PG-01", "Pisang Goreng", 12000, "snack"},  {"KS-01", "Kopi Susu Gula Aren", 18000, "drink"},
    {"AM-01", "Americano", 20000, "drink"},      {"ET-01", "Es Teh Manis", 6000, "drink"},
    {"TT-01", "Teh Tarik", 15000, "drink"},      {"JR-01", "Jus Jeruk", 14000, "drink"},
};
constexpr std::size_t kMenuSize = sizeof(kMenu) / sizeof(kMenu[0]);

// RFC 3339 local time in Asia/Jakarta (UTC+7, no DST).
std::string jakarta_time(std::time_t t) {
  t += 7 * 3600;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+07:00", &tm);
  return buf;
}

// A run id unique enough across runs: seconds and pid, base 36. It keeps
// event_id and receipt_no short (well under the 64 characters allowed).
std::string run_id() {
  auto to36 = [](unsigned long long n) {
    std::string s;
    do {
      s.insert(s.begin(), "0123456789abcdefghijklmnopqrstuvwxyz"[n % 36]);
      n /= 36;
    } while (n);
    return s;
  };
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch());
  return to36(static_cast<unsigned long long>(ns.count()) / 1000000ULL) +
         to36(static_cast<unsigned long long>(::getpid()));
}

struct Generated {
  std::vector<PosEvent> events;
  long long total_rupiah = 0;
  // Points the shipped rules (config/rules/marikh-salatiga.yaml and the
  // default: Rp 1.000 = 1 point on the total, at most 500 a sale, nothing
  // excluded here) give these sales, computed independently of setiad.
  long long expected_points = 0;
  std::size_t lines = 0;
};

Generated generate(const Args& a, const std::string& rid) {
  Generated g;
  g.events.reserve(a.sales);
  std::mt19937_64 rng(a.seed);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  // 50 sales a second, the last a minute before now: setiad refuses sales
  // dated ahead of its clock (a store's sales.future_minutes).
  const std::time_t start = std::time(nullptr) - static_cast<std::time_t>(a.sales / 50) - 60;
  static const char* kServices[] = {"dine_in", "dine_in", "take_away", "delivery"};
  for (std::size_t i = 0; i < a.sales; ++i) {
    const std::string event_id = "sb-" + rid + "-" + std::to_string(i);
    std::size_t lines = 1 + pick(4);
    // Distinct menu items per basket: a start and a stride coprime with 10.
    static const std::size_t kStrides[] = {1, 3, 7, 9};
    std::size_t first = pick(kMenuSize), stride = kStrides[pick(4)];
    json items = json::array();
    long long subtotal = 0;
    for (std::size_t l = 0; l < lines; ++l) {
      const auto& m = kMenu[(first + l * stride) % kMenuSize];
      long long qty = 1 + static_cast<long long>(pick(3));
      subtotal += qty * m.price;
      items.push_back(
          {{"sku", m.sku}, {"name", m.name}, {"qty", qty}, {"unit_price", m.price}, {"category", m.category}});
    }
    const long long total = subtotal;  // no discount, service charge or tax
    json sale = {{"schema", "setia.pos.sale/1"},
                 {"event_id", event_id},
                 {"store_id", a.store},
                 {"receipt_no", "R" + rid + "-" + std::to_string(i)},
                 {"occurred_at", jakarta_time(start + static_cast<std::time_t>(i / 50))},
                 {"member", a.members[i % a.members.size()]},
                 {"cashier", "kasir-" + std::to_string(1 + i % 2)},
                 {"service", kServices[i % 4]},
                 {"items", std::move(items)},
                 {"subtotal", subtotal},
                 {"discount", 0},
                 {"service_charge", 0},
                 {"tax", 0},
                 {"total", total}};
    if (std::string(kServices[i % 4]) == "dine_in") sale["table"] = std::to_string(1 + i % 12);
    if (i % 3 == 0) {
      // Cash, rounded up to the next Rp 50.000 note.
      long long paid = (total + 49999) / 50000 * 50000;
      sale["paid"] = paid;
      sale["change"] = paid - total;
      sale["payment_method"] = "cash";
    } else {
      sale["payment_method"] = "qris";
    }
    g.total_rupiah += total;
    g.expected_points += std::min<long long>(total / 1000, 500);
    g.lines += lines;
    g.events.push_back(PosEvent{a.store, event_id, "sale", sale.dump()});
  }
  return g;
}

// The junk flood of --junk (tests/support/junk.h); how many the broker
// acknowledged.
std::size_t flood_junk(const Args& a, const std::string& rid) {
  try {
    return setia::test::flood(a.mqtt, a.client_id + "-junk", a.prefix + "/" + a.store + "/pos/sale", a.junk,
                              [&](std::size_t i) { return setia::test::junk_payload(a.store, rid, i); });
  } catch (const ::mqtt::exception& e) {
    std::fprintf(stderr, "sale_bench: junk flood: %s\n", e.what());
    return 0;
  }
}

double percentile_ms(const std::vector<double>& sorted_ms, double q) {
  if (sorted_ms.empty()) return 0;
  // Nearest rank.
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted_ms.size())));
  return sorted_ms[std::clamp<std::size_t>(rank, 1, sorted_ms.size()) - 1];
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse(argc, argv);
  const std::string rid = run_id();
  const Generated g = generate(a, rid);

  PosOptions o;
  o.mqtt.uri = a.mqtt;
  o.mqtt.client_id = a.client_id;
  o.mqtt.topic_prefix = a.prefix;
  o.window = a.window;
  o.send_rate = static_cast<double>(a.rate);
  o.result_timeout = std::chrono::milliseconds(a.timeout_ms);
  o.deadline = std::chrono::seconds(a.deadline_s);
  auto t0 = std::chrono::steady_clock::now();
  if (!a.backlog_file.empty()) {
    o.all_published = [&] {
      std::printf("backlog published: %zu sales wait in the broker; waiting for %s\n", g.events.size(),
                  a.backlog_file.c_str());
      std::fflush(stdout);
      while (::access(a.backlog_file.c_str(), F_OK) != 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      t0 = std::chrono::steady_clock::now();
    };
  }
  PosClient pos(o);
  if (auto c = pos.connect(); !c) die(c.error(), 1);

  std::printf("sale_bench: run %s: %zu sales (%zu lines, Rp %lld) to %s/%s/pos/sale, %zu members, window %zu%s\n",
              rid.c_str(), g.events.size(), g.lines, g.total_rupiah, a.prefix.c_str(), a.store.c_str(),
              a.members.size(), a.window, a.backlog_file.empty() ? "" : ", backlog");
  std::fflush(stdout);

  std::vector<double> latency_ms;
  latency_ms.reserve(g.events.size());
  std::size_t junk_acked = 0;
  std::thread flooder;
  if (a.junk > 0) flooder = std::thread([&] { junk_acked = flood_junk(a, rid); });
  t0 = std::chrono::steady_clock::now();
  auto sum = pos.send(g.events, [&](const PosResult& r) {
    latency_ms.push_back(std::chrono::duration<double, std::milli>(r.latency).count());
  });
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (flooder.joinable()) flooder.join();

  std::sort(latency_ms.begin(), latency_ms.end());
  const std::size_t answered = sum.applied + sum.duplicate + sum.rejected;
  const double rate = wall_s > 0 ? static_cast<double>(answered) / wall_s : 0;
  const double p50 = percentile_ms(latency_ms, 0.50), p99 = percentile_ms(latency_ms, 0.99);
  const double max_ms = latency_ms.empty() ? 0 : latency_ms.back();

  std::printf("sales:        %zu\n", sum.sent);
  std::printf("wall:         %.3f s\n", wall_s);
  std::printf("throughput:   %.1f sales/s (answered sales / wall time)\n", rate);
  std::printf("latency p50:  %.2f ms (first publish -> result)\n", p50);
  std::printf("latency p99:  %.2f ms\n", p99);
  std::printf("latency max:  %.2f ms\n", max_ms);
  std::printf("applied:      %zu\n", sum.applied);
  std::printf("duplicate:    %zu\n", sum.duplicate);
  std::printf("rejected:     %zu\n", sum.rejected);
  std::printf("unanswered:   %zu\n", sum.unanswered);
  std::printf("republished:  %zu\n", sum.republished);
  std::printf("throttled:    %zu notices (setiad held this store back; the POS waited and slowed down)\n",
              sum.throttle_notices);
  if (a.junk > 0) std::printf("junk:         %zu published, %zu acknowledged by the broker\n", a.junk, junk_acked);

  json result = {{"run_id", rid},
                 {"store", a.store},
                 {"sales", sum.sent},
                 {"window", a.window},
                 {"mode", a.junk > 0                ? "junk"
                          : !a.backlog_file.empty() ? "backlog"
                          : a.rate > 0              ? "paced"
                          : a.window == 0           ? "burst"
                                                    : "steady"},
                 {"rate", a.rate},
                 {"wall_s", wall_s},
                 {"sales_per_s", rate},
                 {"latency_p50_ms", p50},
                 {"latency_p99_ms", p99},
                 {"latency_max_ms", max_ms},
                 {"applied", sum.applied},
                 {"duplicate", sum.duplicate},
                 {"rejected", sum.rejected},
                 {"unanswered", sum.unanswered},
                 {"republished", sum.republished},
                 {"throttle_notices", sum.throttle_notices},
                 {"junk", junk_acked},
                 {"lines", g.lines},
                 {"total_rupiah", g.total_rupiah},
                 {"expected_points", g.expected_points}};
  std::printf("RESULT %s\n", result.dump().c_str());
  return (sum.unanswered == 0 && sum.rejected == 0) ? 0 : 1;
}
