#include "rules/yaml_guard.h"

#include <sstream>

#include <yaml-cpp/eventhandler.h>

#include "rules/yaml_reader.h"

namespace setia::rules {
namespace {

// Thrown from inside yaml-cpp's event callbacks to stop the parse at the
// first refusal; caught in parse_rule_yaml.
struct Refusal {
  YAML::Mark mark;
  std::string message;
};

// Watches the event stream of one parse; builds nothing.
class Guard final : public YAML::EventHandler {
 public:
  int documents = 0;

  // YAML::EventHandler
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents > 1) throw Refusal{mark, "a rule file holds one YAML document; remove this '---' and what follows"};
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { value(mark, anchor); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { refuse_anchor(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string&) override {
    value(mark, anchor);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnSequenceEnd() override { --depth_; }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnMapEnd() override { --depth_; }
  void OnAnchor(const YAML::Mark& mark, const std::string&) override { refuse_anchor(mark); }

 private:
  [[noreturn]] static void refuse_anchor(const YAML::Mark& mark) {
    throw Refusal{mark, "anchors and aliases are not allowed in rule files (write each value out)"};
  }
  void value(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) refuse_anchor(mark);
    if (++nodes_ > kMaxRuleNodes) {
      throw Refusal{mark, "a rule file holds at most " + std::to_string(kMaxRuleNodes) + " values"};
    }
  }
  void open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    value(mark, anchor);
    if (++depth_ > kMaxRuleDepth) {
      throw Refusal{mark, "lists and mappings are nested deeper than " + std::to_string(kMaxRuleDepth) + " levels"};
    }
  }

  int depth_ = 0;
  std::size_t nodes_ = 0;
};

}  // namespace

std::optional<YAML::Node> parse_rule_yaml(const std::string& text, const std::string& file, LoadErrors& errors) {
  if (text.size() > kMaxRuleFileBytes) {
    errors.push_back({file, 0, 0, "file is larger than 1 MiB (" + std::to_string(kMaxRuleFileBytes) + " bytes)"});
    return std::nullopt;
  }
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    Guard guard;
    while (parser.HandleNextDocument(guard)) {
    }
  } catch (const Refusal& r) {
    errors.push_back({file, r.mark.line + 1, r.mark.column + 1, r.message});
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    errors.push_back({file, e.mark.line + 1, e.mark.column + 1, "YAML syntax: " + e.msg});
    return std::nullopt;
  }
  return parse_yaml(text, file, errors);
}

}  // namespace setia::rules
