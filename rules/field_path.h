#pragma once

#include <string>
#include <vector>

#include "rules/load_error.h"

namespace setia::rules {

// A load error located by the field it is about, for a form: `field` is
// the path of the YAML node at the error's line and column
// (`promos[1].until`, `rewards[0].cost`, `birthday.voucher`; empty: the
// file as a whole), `line` and `column` stay for an editor of the text.
struct FieldError {
  std::string field;
  int line = 0;
  int column = 0;
  std::string message;
};

// The errors load_rule_text gave for `text`, each with its field. The
// loader positions every error at a node (a value; a mapping that lacks a
// key; a key that is unknown or repeated); this walks the tree and names
// the node at that position, else the last node before it (a syntax
// error names where the parser stopped).
std::vector<FieldError> field_errors(const std::string& text, const LoadErrors& errors);

}  // namespace setia::rules
