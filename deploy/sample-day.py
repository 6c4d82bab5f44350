#!/usr/bin/env python3
"""deploy/sample-day.py -- one day of sales at a small Indonesian café, as JSONL.

Writes setia.pos.sale/1 payloads (docs/pos-contract.md), one per line, for
`setiactl pos send --store STORE FILE.jsonl`. deploy/demo.sh uses it.

    deploy/sample-day.py --run-id 0611101502-3fa9 \\
        --member Ocha=MAR-7Q2M9XW4 --member Nino=MAR-... --member Sari=MAR-... \\
        --out day.jsonl

The day holds:
  * the receipt of the papers: 4 x Nasi Cakalang at Rp 13.000 = Rp 52.000,
    paid Rp 100.000, change Rp 48.000, table 2, dine in, member Ocha, 11:11;
  * ~40 other sales from 08:00 to 22:00 (WIB): members, guests, a member
    code that does not exist in the store, a sale with a pack of cigarettes
    (category "rokok", which the café's rules exclude from points), cash
    with change, QRIS and e-wallets, take-away and delivery;
  * a few deliberately bad ones that setiad rejects as dead letters: wrong
    arithmetic, money as a float, a missing required field, and the paper's
    receipt number sent again under another event_id (a receipt conflict).

Event ids and receipt numbers carry the run id, so every run of the demo is
a new day for setiad (event_id and receipt_no are unique per store). The
paper's receipt keeps its number after the run id: RUNID-20200505234.
Everything is derived from the run id (random.Random(run_id)), so a run can
be reproduced.
"""

import argparse
import datetime as dt
import json
import random
import sys

WIB = dt.timezone(dt.timedelta(hours=7), "WIB")

# (sku, name, unit price in rupiah, category)
MENU = {
    "drink": [
        ("KS-01", "Kopi Susu", 18000),
        ("KT-01", "Kopi Tubruk", 10000),
        ("KA-01", "Es Kopi Susu Gula Aren", 22000),
        ("ET-01", "Es Teh Manis", 6000),
        ("TT-01", "Teh Tarik", 12000),
        ("SM-01", "Smoothies Mangga", 20000),
        ("JA-01", "Jus Alpukat", 18000),
        ("WJ-01", "Wedang Jahe", 10000),
        ("EJ-01", "Es Jeruk", 8000),
    ],
    "food": [
        ("NG-01", "Nasi Goreng", 20000),
        ("NC-01", "Nasi Cakalang", 13000),
        ("MG-01", "Mie Goreng", 18000),
        ("AG-01", "Ayam Geprek", 20000),
        ("SA-01", "Soto Ayam", 17000),
    ],
    "snack": [
        ("RB-01", "Roti Bakar Coklat Keju", 15000),
        ("PG-01", "Pisang Goreng", 12000),
        ("KG-01", "Kentang Goreng", 15000),
        ("TM-01", "Tahu Tempe Mendoan", 10000),
    ],
}
CIGARETTES = ("SM-16", "Sampoerna Mild 16", 32000, "rokok")

GUEST_NAMES = ["Budi", "Dewi", "Rina", "Agus", "Putri", "Joko", "Wulan", "Andi", "Sinta", "Yoga"]
NON_CASH = ["qris", "gopay", "ovo", "debit"]


def line(item, qty, category):
    sku, name, price = item[0], item[1], item[2]
    return {"sku": sku, "name": name, "qty": qty, "unit_price": price, "category": category}


def cash_paid(total, rnd):
    """What a customer hands over: the next Rp 5.000, 10.000, 50.000 or 100.000."""
    step = rnd.choice((5000, 10000, 50000, 100000))
    return -(-total // step) * step  # total rounded up to a multiple of step


class Day:
    def __init__(self, run_id, store, day):
        self.run_id = run_id
        self.store = store
        self.day = day
        self.rnd = random.Random(run_id)
        self.sales = []  # (occurred_at, payload)

    def number(self, sales):
        """Event ids and receipt numbers in the order of the day."""
        for n, s in enumerate(sales, 1):
            s["event_id"] = f"demo-{self.run_id}-{n:03d}"
            if s.get("receipt_no") is None:
                s["receipt_no"] = f"{self.run_id}-{n:04d}"

    def at(self, hour, minute, second=0):
        return dt.datetime.combine(self.day, dt.time(hour, minute, second), WIB)

    def sale(self, when, items, member=None, customer=None, service="dine_in", table=None,
             payment="cash", discount=0, receipt_no=None):
        subtotal = sum(i["qty"] * i["unit_price"] for i in items)
        total = subtotal - discount
        s = {
            "schema": "setia.pos.sale/1",
            "event_id": None,  # numbered in the order of the day, see number()
            "store_id": self.store,
            "receipt_no": receipt_no,
            "occurred_at": when.isoformat(timespec="seconds"),
        }
        if member:
            s["member"] = member
        if customer:
            s["customer_name"] = customer
        s["cashier"] = "kasir-1" if when.hour < 15 else "kasir-2"
        if table:
            s["table"] = table
        s["service"] = service
        s["items"] = items
        s["subtotal"] = subtotal
        s["discount"] = discount
        s["service_charge"] = 0
        s["tax"] = 0
        s["total"] = total
        if payment == "cash":
            s["paid"] = cash_paid(total, self.rnd)
            s["change"] = s["paid"] - total
        else:
            s["paid"] = total
            s["change"] = 0
        s["payment_method"] = payment
        self.sales.append((when, s))
        return s

    def random_basket(self, hour):
        rnd = self.rnd
        items = []
        # Mornings are coffee and snacks; noon and evening are meals.
        meal = 11 <= hour <= 14 or 18 <= hour <= 21
        people = rnd.choice([1, 1, 1, 2, 2, 3, 4])
        drink = rnd.choice(MENU["drink"])
        items.append(line(drink, people, "drink"))
        if meal and rnd.random() < 0.85:
            items.append(line(rnd.choice(MENU["food"]), rnd.randint(1, people), "food"))
        if rnd.random() < 0.45:
            snack = rnd.choice(MENU["snack"])
            items.append(line(snack, 1, "snack"))
        if rnd.random() < 0.2 and len(items) < 3:
            other = rnd.choice([d for d in MENU["drink"] if d != drink])
            items.append(line(other, 1, "drink"))
        return items

    def generate(self, members, others):
        rnd = self.rnd
        names = list(members)
        # The receipt of the papers, at 11:11.
        ocha = members.get("Ocha")
        paper = self.sale(self.at(11, 11), [line(("NC-01", "Nasi Cakalang", 13000), 4, "food")],
                          member=ocha, customer="Ocha", table="2", service="dine_in", payment="cash",
                          receipt_no=f"{self.run_id}-20200505234")
        paper["paid"], paper["change"] = 100000, 48000

        # A regular with a pack of cigarettes: points only on the coffee.
        if "Nino" in members:
            self.sale(self.at(16, 42), [line(("KS-01", "Kopi Susu", 18000), 1, "drink"),
                                        line(CIGARETTES, 1, CIGARETTES[3])],
                      member=members["Nino"], customer="Nino", table="5", payment="cash")
        # A member code that is not in this store: applied, no points.
        self.sale(self.at(13, 5), [line(("ET-01", "Es Teh Manis", 6000), 2, "drink"),
                                   line(("AG-01", "Ayam Geprek", 20000), 2, "food")],
                  member="MAR-ZZZZZZZZ", table="7", payment="qris")
        # A big order with a discount (points count on the total after it).
        if "Sari" in members:
            self.sale(self.at(19, 30), [line(("NG-01", "Nasi Goreng", 20000), 6, "food"),
                                        line(("ET-01", "Es Teh Manis", 6000), 6, "drink"),
                                        line(("KG-01", "Kentang Goreng", 15000), 2, "snack")],
                      member=members["Sari"], customer="Sari", table="1", payment="debit", discount=16000)

        # The rest of the day, 08:00 to 22:00.
        start, end = self.at(8, 0), self.at(21, 55)
        span = int((end - start).total_seconds())
        for _ in range(others):
            when = start + dt.timedelta(seconds=rnd.randrange(span))
            items = self.random_basket(when.hour)
            service = rnd.choices(["dine_in", "take_away", "delivery"], [6, 3, 1])[0]
            payment = "cash" if rnd.random() < 0.5 else rnd.choice(NON_CASH)
            if service == "delivery":
                payment = rnd.choice(["gopay", "ovo"])
            if names and rnd.random() < 0.35:
                who = rnd.choice(names)
                member, customer = members[who], who
            else:
                member, customer = None, (rnd.choice(GUEST_NAMES) if rnd.random() < 0.5 else None)
            table = str(rnd.randint(1, 12)) if service == "dine_in" else None
            self.sale(when, items, member=member, customer=customer, service=service, table=table,
                      payment=payment)

        good = [payload for _, payload in sorted(self.sales, key=lambda ws: ws[0])]

        # Deliberately bad sales, late in the day.
        self.sales = []
        bad = []
        # Wrong arithmetic: the cashier typed a subtotal that is not the sum.
        s = self.sale(self.at(21, 40), [line(("NC-01", "Nasi Cakalang", 13000), 4, "food")], table="3")
        s["subtotal"] = s["total"] = 50000
        s["paid"], s["change"] = 50000, 0
        bad.append(s)
        # Money as a float: 52000.0 is refused (invalid_field), write 52000.
        s = self.sale(self.at(21, 45), [line(("KS-01", "Kopi Susu", 18000), 2, "drink"),
                                        line(("RB-01", "Roti Bakar Coklat Keju", 15000), 1, "snack")],
                      payment="qris")
        s["total"] = float(s["total"])
        bad.append(s)
        # A required field missing: no receipt_no.
        s = self.sale(self.at(21, 50), [line(("ET-01", "Es Teh Manis", 6000), 1, "drink")],
                      service="take_away", payment="cash")
        bad.append(s)
        # The paper's receipt number again, under a new event_id: the same
        # receipt is never a second sale (receipt_conflict).
        s = self.sale(self.at(21, 52), [line(("NC-01", "Nasi Cakalang", 13000), 4, "food")],
                      member=ocha, customer="Ocha", table="2", payment="cash",
                      receipt_no=paper["receipt_no"])
        bad.append(s)
        sales = good + bad
        self.number(sales)
        del bad[2]["receipt_no"]
        return sales, paper


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--run-id", required=True, help="makes event ids and receipt numbers unique to this run")
    ap.add_argument("--store", default="marikh-salatiga")
    ap.add_argument("--date", help="the day, YYYY-MM-DD (default: yesterday in WIB, a day whose every "
                    "sale is in the past: setiad refuses sales dated ahead of its clock)")
    ap.add_argument("--member", action="append", default=[], metavar="NAME=CODE",
                    help="a member of the store (repeat); Ocha gets the paper's receipt")
    ap.add_argument("--others", type=int, default=40, help="how many ordinary sales besides the special ones")
    ap.add_argument("--out", required=True, help="the JSONL file to write")
    ap.add_argument("--paper-out", help="also write the paper's sale alone to this file (for a retry)")
    a = ap.parse_args()

    members = {}
    for m in a.member:
        name, sep, code = m.partition("=")
        if not sep or not name or not code:
            ap.error(f"--member takes NAME=CODE, got {m!r}")
        members[name] = code
    day = dt.date.fromisoformat(a.date) if a.date else dt.datetime.now(WIB).date() - dt.timedelta(days=1)

    sales, paper = Day(a.run_id, a.store, day).generate(members, a.others)
    with open(a.out, "w", encoding="utf-8") as f:
        for s in sales:
            f.write(json.dumps(s, ensure_ascii=False, separators=(",", ":")) + "\n")
    if a.paper_out:
        with open(a.paper_out, "w", encoding="utf-8") as f:
            f.write(json.dumps(paper, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"{len(sales)} sales ({len(sales) - 4} good, 4 bad) for {a.store} on {day} -> {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
