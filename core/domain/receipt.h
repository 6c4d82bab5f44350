#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/domain/money.h"

namespace setia::domain {

// Everything an e-nota (electronic receipt) shows, as recorded: the shop's
// header and footer come from its rule file, the rest from the sale.
struct Receipt {
  std::vector<std::string> header;  // e.g. {"MARIKH SALATIGA"}
  std::vector<std::string> footer;  // e.g. {"Terima Kasih", "Follow IG @marikhsalatiga"}
  std::string receipt_no;
  std::string local_time;           // "27/05/2020 11:11" in the store's time zone
  std::optional<std::string> table;
  std::optional<std::string> service;  // dine_in | take_away | delivery
  std::optional<std::string> customer;
  std::optional<std::string> cashier;
  struct Line {
    std::string name;
    long long qty = 0;
    Money unit_price = 0;
    Money amount = 0;
  };
  std::vector<Line> lines;
  Money subtotal = 0;
  Money discount = 0;
  Money service_charge = 0;
  Money tax = 0;
  Money total = 0;
  std::optional<Money> paid;
  std::optional<Money> change;
  std::optional<std::string> payment_method;
  std::optional<Points> points_earned;
  std::optional<Points> points_balance;
  std::string url;                  // where the HTML page lives (for its QR), may be empty
};

}  // namespace setia::domain
