#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace setia::metrics {

// Label name -> value, e.g. {{"status", "applied"}}. Kept sorted so that the
// same labels in another order name the same series.
using Labels = std::vector<std::pair<std::string, std::string>>;

// A monotonically increasing count. Lock-free to bump.
class Counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// Observations in fixed buckets (upper bounds in seconds), with their sum
// and count: a latency distribution Prometheus can take quantiles of.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double seconds);

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<std::uint64_t> cumulative;  // per bound, then +Inf last
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot snapshot() const;

 private:
  std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::vector<std::uint64_t> counts_;  // per bucket, not cumulative; +Inf last
  double sum_ = 0;
  std::uint64_t count_ = 0;
};

// Latency buckets from 1 ms to 10 s: a sale's transaction and a REST
// request both fall in there.
std::vector<double> default_latency_buckets();

// The process's metrics, rendered in the Prometheus text format (0.0.4).
// Series are created on first use and live as long as the registry, so a
// reference to one can be kept. Thread-safe.
class Registry {
 public:
  Counter& counter(std::string_view name, std::string_view help, Labels labels = {});
  Histogram& histogram(std::string_view name, std::string_view help, Labels labels = {},
                       std::vector<double> bounds = default_latency_buckets());

  // A gauge read when scraped (e.g. rows in a table). The callback returns
  // one value per label set; it may fail by throwing, which is rendered as
  // a comment, never as a missing scrape.
  using GaugeSource = std::function<std::vector<std::pair<Labels, double>>()>;
  void gauge(std::string_view name, std::string_view help, GaugeSource source);

  std::string render() const;

 private:
  struct Family {
    std::string help;
    std::string type;  // counter | histogram | gauge
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
    GaugeSource gauge;
  };
  Family& family(std::string_view name, std::string_view help, std::string_view type);

  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;
};

// "a\"b" for a label value: backslash, double quote and newline escaped.
std::string escape_label_value(std::string_view v);

}  // namespace setia::metrics
