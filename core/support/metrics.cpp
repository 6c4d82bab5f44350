#include "core/support/metrics.h"

#include <algorithm>
#include <cmath>
#include <exception>

#include <fmt/format.h>

namespace setia::metrics {
namespace {

Labels sorted(Labels l) {
  std::sort(l.begin(), l.end());
  return l;
}

// {a="1",b="2"} with an optional extra label (a histogram's le).
std::string label_text(const Labels& labels, std::string_view extra_name = {}, std::string_view extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k + "=\"" + escape_label_value(v) + "\"";
  }
  if (!extra_name.empty()) {
    if (!first) out += ',';
    out += std::string(extra_name) + "=\"" + std::string(extra_value) + "\"";
  }
  return out + "}";
}

std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<long long>(v));
  return fmt::format("{}", v);
}

std::string help_text(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string escape_label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::vector<double> default_latency_buckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {
  std::sort(bounds_.begin(), bounds_.end());
}

void Histogram::observe(double seconds) {
  auto it = std::lower_bound(bounds_.begin(), bounds_.end(), seconds);
  std::lock_guard lock(mu_);
  ++counts_[static_cast<std::size_t>(it - bounds_.begin())];
  sum_ += seconds;
  ++count_;
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.bounds = bounds_;
  std::lock_guard lock(mu_);
  std::uint64_t running = 0;
  for (auto c : counts_) {
    running += c;
    s.cumulative.push_back(running);
  }
  s.sum = sum_;
  s.count = count_;
  return s;
}

Registry::Family& Registry::family(std::string_view name, std::string_view help, std::string_view type) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{}).first;
    it->second.help = help;
    it->second.type = type;
  }
  return it->second;
}

Counter& Registry::counter(std::string_view name, std::string_view help, Labels labels) {
  std::lock_guard lock(mu_);
  auto& f = family(name, help, "counter");
  auto& slot = f.counters[sorted(std::move(labels))];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Histogram& Registry::histogram(std::string_view name, std::string_view help, Labels labels,
                               std::vector<double> bounds) {
  std::lock_guard lock(mu_);
  auto& f = family(name, help, "histogram");
  auto& slot = f.histograms[sorted(std::move(labels))];
  if (!slot) slot = std::make_unique<Histogram>(std::move(bounds));
  return *slot;
}

void Registry::gauge(std::string_view name, std::string_view help, GaugeSource source) {
  std::lock_guard lock(mu_);
  family(name, help, "gauge").gauge = std::move(source);
}

std::string Registry::render() const {
  // Copy what is needed under the lock; gauge sources (which may query a
  // database) run without it, so a slow one never blocks a counter bump.
  struct Item {
    std::string name, help, type;
    std::vector<std::pair<Labels, std::uint64_t>> counters;
    std::vector<std::pair<Labels, Histogram::Snapshot>> histograms;
    GaugeSource gauge;
  };
  std::vector<Item> items;
  {
    std::lock_guard lock(mu_);
    for (const auto& [name, f] : families_) {
      Item it{name, f.help, f.type, {}, {}, f.gauge};
      for (const auto& [l, c] : f.counters) it.counters.emplace_back(l, c->value());
      for (const auto& [l, h] : f.histograms) it.histograms.emplace_back(l, h->snapshot());
      items.push_back(std::move(it));
    }
  }
  std::string out;
  for (const auto& it : items) {
    out += "# HELP " + it.name + " " + help_text(it.help) + "\n# TYPE " + it.name + " " + it.type + "\n";
    for (const auto& [l, v] : it.counters) out += it.name + label_text(l) + " " + std::to_string(v) + "\n";
    for (const auto& [l, s] : it.histograms) {
      for (std::size_t i = 0; i < s.bounds.size(); ++i) {
        out += it.name + "_bucket" + label_text(l, "le", number(s.bounds[i])) + " " + std::to_string(s.cumulative[i]) +
               "\n";
      }
      out += it.name + "_bucket" + label_text(l, "le", "+Inf") + " " + std::to_string(s.cumulative.back()) + "\n";
      out += it.name + "_sum" + label_text(l) + " " + number(s.sum) + "\n";
      out += it.name + "_count" + label_text(l) + " " + std::to_string(s.count) + "\n";
    }
    if (it.gauge) {
      try {
        for (const auto& [l, v] : it.gauge()) out += it.name + label_text(sorted(l)) + " " + number(v) + "\n";
      } catch (const std::exception& e) {
        out += "# " + it.name + " unavailable: " + help_text(e.what()) + "\n";
      }
    }
  }
  return out;
}

}  // namespace setia::metrics
