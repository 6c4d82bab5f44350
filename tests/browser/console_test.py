#!/usr/bin/python3
"""The owner's console in a real browser (docs/console.md).

Starts a real setiad on the private PostgreSQL and Mosquitto of
tests/run.sh (SETIA_TEST_PG, SETIA_TEST_MQTT), with the console served from
the source tree; makes a store's owner and staff account and a member with
setiactl; then drives headless Chromium (chromium-driver, python3-selenium):

  - the sign-in page, a wrong password, the owner's sign-in;
  - today's figures, then a sale published over MQTT (setiactl pos send)
    showing on them, with a refund counted as a refund;
  - a member found by name, a points adjustment with its reason showing in
    the member's history, a recovery code;
  - the day's reservations, a booking taken by phone for a guest, confirmed;
  - operations: a dead letter and its reason, push health, the rules' version;
  - the admins' list;
  - "Promo & Hadiah": a promo made in the form, an end before its start and
    a negative cost refused at their fields with nothing saved, a preview,
    a save, the promo claimed by a member through the member API, another
    admin's save first (409, reload), a version's diff and its restore;
  - staff: no owner's page in the menu, the admins' list refused;
  - no Content-Security-Policy violation in the browser's log.

Every page is saved as a screenshot at a laptop's and a phone's size under
OUT (console-<page>-laptop.png, console-<page>-phone.png).

  tests/browser/console_test.py --setiad build/adapters/daemon/setiad \\
      --setiactl build/adapters/cli/setiactl --out build/screenshots

Waits are for elements and texts (generous: CI's build is sanitized), never
fixed sleeps.
"""
import datetime as dt
import json
import random
import re
import shutil
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from harness import (LAPTOP, PHONE, WAIT_S, WIB, Browser, Failure, Setia, csp_violations, get, log, main,
                     no_secret_in_url, report_failure)


def check_headers(base):
    """What the browser cannot see: the headers of the console's files."""
    status, headers, body = get(base, "/console/")
    if status != 200 or b'<script type="module" src="js/app.js">' not in body:
        raise Failure(f"/console/ answered {status}: {body[:200]!r}")
    csp = headers.get("Content-Security-Policy", "")
    for part in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "connect-src 'self'"):
        if part not in csp:
            raise Failure(f"/console/'s CSP lacks {part}: {csp}")
    if "unsafe-inline" in csp:
        raise Failure(f"/console/'s CSP allows inline code: {csp}")
    if headers.get("X-Content-Type-Options") != "nosniff":
        raise Failure(f"/console/ has no nosniff: {headers}")
    status, headers, _ = get(base, "/console/js/app.js")
    if status != 200 or not headers.get("Content-Type", "").startswith("text/javascript"):
        raise Failure(f"/console/js/app.js: {status} {headers.get('Content-Type')}")
    status, headers, body = get(base, "/console/lib/chart.js/chart.min.js")
    if status != 200 or b"Chart" not in body[:5000]:
        raise Failure(f"Chart.js is not served at /console/lib/chart.js/chart.min.js: {status}")
    for bad in ("/console/../setiad.yaml", "/console/%2e%2e/%2e%2e/etc/passwd", "/console/js/../../../../etc/passwd",
                "/console/.hidden", "/console/js/app.js.bak"):
        status, _, _ = get(base, bad)
        if status != 404:
            raise Failure(f"{bad} answered {status}, not 404")
    log("headers: CSP, nosniff, Chart.js, refused paths: as they should be")


def http(base, method, path, body=None, token=None):
    """A call of the REST API from the test itself: (status, JSON)."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Accept", "application/json")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            text = r.read()
            return r.status, json.loads(text) if text else None
    except urllib.error.HTTPError as e:
        text = e.read()
        try:
            return e.code, json.loads(text) if text else None
        except ValueError:
            return e.code, text


def admin_call(b, method, path, body=None):
    """A call of the REST API with the console's own token: (status, JSON)."""
    return b.d.execute_async_script("""
      const [method, path, body, done] = arguments;
      const t = sessionStorage.getItem('setia.console.token');
      const headers = {Authorization: 'Bearer ' + t, Accept: 'application/json'};
      if (body !== null) headers['Content-Type'] = 'application/json';
      fetch(path, {method, headers, body: body === null ? undefined : JSON.stringify(body)})
        .then(async r => done([r.status, await r.json().catch(() => null)]), e => done([0, String(e)]));""",
                                    method, path, body)


def store_rules(b):
    status, body = admin_call(b, "GET", "/v1/admin/rules")
    if status != 200 or not body.get("store_rules"):
        raise Failure(f"GET /v1/admin/rules answered {status}: {body}")
    return body["store_rules"]


def set_value(b, css, value):
    """An input's value as a person would leave it (a date input's typing
    depends on the browser's locale: set it, then say it changed)."""
    e = b.el(css)
    b.d.execute_script("""
      arguments[0].value = arguments[1];
      arguments[0].dispatchEvent(new Event('input', {bubbles: true}));
      arguments[0].dispatchEvent(new Event('change', {bubbles: true}));""", e, value)
    return e


def field(path):
    return f'[data-field="{path}"]'


def field_error(b, path, what):
    """The error shown at the input of `path` (promos[0].until)."""
    css = f'label.field.has-error:has({field(path)}) .field-error'
    b.wait(lambda d: b.text(css).strip(), f"an error at {path} ({what})")
    return b.text(css)


def promos_page(setia, b):
    """Promo & Hadiah: a promo made in the form, an invalid form refused at
    its field with nothing saved, a save, the promo claimable by a member,
    another admin's save first (409), a version's diff and its restore."""
    today = dt.datetime.now(WIB).date()
    b.click("#nav-promos")
    b.el("#promo-form")
    if b.d.find_elements(By.CSS_SELECTOR, "#nav-promos .soon"):
        raise Failure("'Promo & Hadiah' is still marked as coming")
    b.has_text("#reward-list", "Gratis 1 Kopi")
    before = store_rules(b)["version"]

    # A promo whose end is before its start: the error at 'until', nothing saved.
    b.click("#add-promo")
    p = "promos[0]"
    b.fill(field(f"{p}.id"), "natal-10")
    b.fill(field(f"{p}.title"), "Diskon Natal 10%")
    set_value(b, field(f"{p}.from"), (today + dt.timedelta(days=5)).isoformat())
    set_value(b, field(f"{p}.until"), today.isoformat())
    b.fill(field(f"{p}.voucher.percent_off"), "10")
    b.fill(field(f"{p}.voucher.max_off"), "20000")
    b.click("#promo-check")
    b.el("#promo-errors")
    msg = field_error(b, f"{p}.until", "an end before the start")
    log(f"check: the error at promos[0].until: {msg}")
    b.click("#promo-save")
    b.el("#promo-errors")
    field_error(b, f"{p}.until", "an end before the start, on save")
    b.shoot("promos-errors", "#promo-errors")
    if store_rules(b)["version"] != before:
        raise Failure("an invalid form changed the rules' version")

    # Fixed: running from today for a week. Preview, then save.
    set_value(b, field(f"{p}.from"), today.isoformat())
    set_value(b, field(f"{p}.until"), (today + dt.timedelta(days=7)).isoformat())
    b.click("#promo-check")
    b.has_text("#promo-status", "valid")
    b.fill("#sample-total", "52000")
    b.click("#promo-preview")
    b.has_text("#preview-result", "Rp 52.000")
    b.has_text("#preview-result", "Diskon Natal 10% (Rp 5.200)")
    b.has_text("#preview-result", "30 hari terakhir")
    b.fill("#save-note", "promo natal")
    b.click("#promo-save")
    b.has_text("#promo-status", f"versi {before + 1}")
    b.has_text("#promo-list", "Diskon Natal 10%")
    b.has_text("#versions", "promo natal")
    v1 = store_rules(b)["version"]
    if v1 != before + 1:
        raise Failure(f"the save made version {v1}, not {before + 1}")
    b.click("#promo-preview")
    b.el("#preview-result")
    b.shoot("promos", "#preview-result")

    # A member claims it through the member API.
    phone = f"+62813{random.randrange(10**7, 10**8)}"
    status, sess = http(setia.base, "POST", "/v1/auth/register",
                        {"store": setia.store, "name": "Rina Promo", "phone": phone,
                         "email": f"rina-{setia.store}@example.com", "password": "rahasia-rina-123"})
    if status != 201:
        raise Failure(f"register answered {status}: {sess}")
    status, body = http(setia.base, "POST", "/v1/auth/login",
                        {"login": phone, "password": "rahasia-rina-123", "store": setia.store})
    if status != 200:
        raise Failure(f"member login answered {status}: {body}")
    token = body["token"]
    # The save reaches this setiad within seconds (NOTIFY): wait for it.
    deadline = time.monotonic() + WAIT_S
    while True:
        status, body = http(setia.base, "GET", "/v1/promos", token=token)
        if status == 200 and any(x.get("id") == "natal-10" for x in body["items"]):
            break
        if time.monotonic() > deadline:
            raise Failure(f"GET /v1/promos does not list natal-10: {status} {body}")
        time.sleep(0.2)
    status, body = http(setia.base, "POST", "/v1/promos/natal-10/claim", {}, token=token)
    if status != 201 or not body.get("voucher"):
        raise Failure(f"claiming natal-10 answered {status}: {body}")
    log(f"member claimed natal-10: voucher {body['voucher'].get('code', body['voucher'])}")

    # A negative cost: the error at the reward's cost, nothing saved.
    b.click("#reward-0 > summary")
    b.fill(field("rewards[0].cost"), "-5")
    b.click("#promo-save")
    field_error(b, "rewards[0].cost", "a negative cost")
    if store_rules(b)["version"] != v1:
        raise Failure("a negative cost changed the rules' version")

    # Another admin saves first: this page's save is refused and offers a reload.
    status, body = admin_call(b, "PUT", "/v1/admin/rules", {
        "base_version": v1, "note": "judul baru",
        "sections": {"promos": [{"id": "natal-10", "title": "Natal Hemat", "from": today.isoformat(),
                                 "until": (today + dt.timedelta(days=7)).isoformat(),
                                 "voucher": {"percent_off": 10, "max_off": 20000}}]}})
    if status != 201:
        raise Failure(f"the other admin's save answered {status}: {body}")
    b.fill(field("rewards[0].cost"), "120")
    b.click("#promo-save")
    b.has_text("#promo-stale", "Orang lain")
    b.click("#promo-reload")
    b.has_text("#promo-list", "Natal Hemat")
    v2 = store_rules(b)["version"]

    # Versions: the first save's diff against the live one, then its restore.
    b.click(f"#versions .diff-btn[data-v='{v1}']")
    b.has_text("#version-diff", "Diskon Natal 10%")
    b.has_text("#version-diff", "Natal Hemat")
    b.shoot("promos-versions", "#version-diff")
    b.click(f"#versions .restore-btn[data-v='{v1}']")
    b.el("#restore-confirm")
    b.click("#restore-yes")
    b.has_text("#promo-status", f"Versi {v1} dipulihkan")
    b.has_text("#promo-list", "Diskon Natal 10%")
    rules = store_rules(b)
    if rules["version"] != v2 + 1 or rules["sections"]["promos"][0]["title"] != "Diskon Natal 10%":
        raise Failure(f"the restore did not bring version {v1} back as {v2 + 1}: {rules}")
    status, body = admin_call(b, "GET", "/v1/admin/rules/versions")
    newest = body["items"][0]
    if newest["source"] != "restore" or newest["restored_from"] != v1:
        raise Failure(f"the newest version is not a restore of {v1}: {newest}")
    log(f"promos: versions {before} -> {v1} (form) -> {v2} (another admin) -> {v2 + 1} (restore of {v1})")
    b.collect_log()


def run(args):
    tmp = setia = browser = None
    try:
        tmp = tempfile.mkdtemp(prefix="setia-console-")
        setia = Setia(args, tmp)
        setia.start()
        owner, owner_pw = setia.admin("owner", "pemilik")
        staff, staff_pw = setia.admin("staff", "kasir", points_limit=50)
        ocha_phone = f"+62812{random.randrange(10**7, 10**8)}"
        ocha = setia.ctl("member", "add", "--store", setia.store, "--name", "Ocha Pratiwi", "--phone", ocha_phone,
                         "--email", f"ocha-{setia.store}@example.com")
        log(f"setiad at {setia.base}, store {setia.store}, member {ocha}")
        check_headers(setia.base)

        browser = Browser(setia.base, args.out)
        b = browser

        # --- sign-in ----------------------------------------------------
        b.open()
        b.el("#signin-form")
        b.has_text("#signin-submit", "Masuk")
        b.shoot("signin", "#signin-form")
        b.fill("#signin-login", owner)
        b.fill("#signin-password", "bukan-sandinya")
        b.click("#signin-submit")
        b.has_text("#signin-error", "salah")
        no_secret_in_url(b.d.current_url, "bukan")
        b.fill("#signin-login", owner)
        b.fill("#signin-password", owner_pw)
        b.click("#signin-submit")

        # --- today: a sale over MQTT shows on the figures -----------------
        b.el("#dash-sales-today")
        b.has_text("#who", "pemilik")
        no_secret_in_url(b.d.current_url)
        summary = setia.pos_send([setia.sale(f"R-{setia.store}-1", 4, 13000, member=ocha),
                                  setia.sale(f"R-{setia.store}-2", 2, 15000)])
        log(f"pos send: {summary}")
        setia.pos_send([setia.refund(f"R-{setia.store}-2", 15000)])
        b.click("#refresh")
        # Rp 52.000 + Rp 30.000 sold, Rp 15.000 refunded: Rp 67.000 net.
        b.has_text("#dash-sales-today .value", "Rp 67.000")
        b.has_text("#dash-sales-today", "2 transaksi")
        b.has_text("#dash-sales-today", "Refund 1 · Rp 15.000")
        b.has_exact("#dash-members-new .value", "1")
        b.has_text("#dash-points", "+52 diberikan")
        b.has_text("#top-products", "Nasi Cakalang")
        b.shoot("dashboard", "#dash-sales-today")
        # The menu behind its button on a phone.
        b.d.set_window_size(*PHONE)
        b.click("#menu-toggle")
        b.wait(lambda d: b.d.execute_script(
            "return document.getElementById('nav').getBoundingClientRect().left >= 0"), "the menu to open")
        b.d.save_screenshot(str(b.out / "console-menu-phone.png"))
        b.click("#menu-toggle")
        b.d.set_window_size(*LAPTOP)

        # English too.
        b.click("#shell [data-lang='en']")
        b.has_text("#nav-dashboard", "Today")
        b.has_text("#dash-sales-today .label", "Sales today")
        b.click("#shell [data-lang='id']")
        b.has_text("#nav-dashboard", "Hari ini")

        # --- members: search, adjust, history ----------------------------
        b.click("#nav-members")
        b.fill("#member-q", "ocha")
        b.click("#member-search")
        b.has_text("#member-results", ocha)
        b.shoot("members", "#member-results")
        b.click("#member-results .member-link")
        b.has_text("#member-name", "Ocha Pratiwi")
        b.has_exact("#member-points", "52 Poin")
        b.fill("#adjust-delta", "25")
        b.fill("#adjust-reason", "Kompensasi pesanan terlambat")
        b.click("#adjust-form button")
        b.has_text("#member-status", "52 → 77")
        b.has_exact("#member-points", "77 Poin")
        b.has_text("#points-history", "Kompensasi pesanan terlambat")
        b.has_text("#points-history", "+25")
        b.click("#recovery-code")
        b.wait(lambda d: re.fullmatch(r"\d{4}-\d{4}", b.text("#recovery-value")), "an eight-digit code")
        b.shoot("member", "#points-history")

        # --- reservations: a phone booking for a guest, confirmed ----------
        tomorrow = (dt.datetime.now(WIB) + dt.timedelta(days=1)).date().isoformat()
        b.go(f"#/reservations/{tomorrow}")
        b.el("#timeline")
        b.click("#book-guest")
        b.fill("#book-guest-name", "Pak Budi")
        b.fill("#book-guest-phone", "081234567890")
        Select(b.el("#book-time")).select_by_value("19:00")
        b.fill("#book-party", "4")
        b.fill("#book-note", "Meja dekat jendela")
        b.click("#book-form button[type=submit]")
        b.has_text("#timeline", "Pak Budi")
        b.has_text("#slot-1900", "4/12")
        b.click("#timeline .booking.pending .confirm")
        b.has_text("#timeline .booking", "dikonfirmasi")
        # A member's booking too, by their code.
        b.click("#book-member")
        b.fill("#book-member-code", ocha)
        Select(b.el("#book-time")).select_by_value("12:00")
        b.fill("#book-party", "2")
        b.click("#book-form button[type=submit]")
        b.has_text("#timeline", "Ocha Pratiwi")
        b.shoot("reservations", "#timeline")

        # --- operations: a dead letter, pushes, rules -----------------------
        setia.publish_raw('{"schema": "setia.pos.sale/1", "oops": true}')
        b.click("#nav-operations")
        b.el("#deadletters")
        # The dead letter is stored once setiad has read it: refresh until then.
        def dead_letter_shown(d):
            if d.find_elements(By.CSS_SELECTOR, "#deadletters tbody tr"):
                return True
            b.click("#refresh")
            b.el("#deadletters")
            return False
        b.wait(dead_letter_shown, "the dead letter to show in #deadletters")
        b.el("#deadletters .replay")
        b.has_text("#push-health", "Terkirim")
        if not b.text("#rules-version .value").strip():
            raise Failure(f"the rules' version is not shown: {b.text('#rules')}")
        b.shoot("operations", "#deadletters")

        # --- admins -------------------------------------------------------
        b.click("#nav-admins")
        b.has_text("#admins-table", staff)
        b.shoot("admins", "#admins-table")
        b.collect_log()

        promos_page(setia, b)

        # --- staff ----------------------------------------------------------
        b.click("#signout")
        b.el("#signin-form")
        b.fill("#signin-login", staff)
        b.fill("#signin-password", staff_pw)
        b.click("#signin-submit")
        b.el("#member-q")
        b.has_text("#who", "staf")
        nav = b.text("#nav")
        for hidden in ("Hari ini", "Admin", "Promo"):
            if hidden in nav:
                raise Failure(f"staff see '{hidden}' in the menu: {nav}")
        b.go("#/admins")
        b.has_text("#forbidden", "pemilik")
        b.shoot("staff-admins", "#forbidden")
        b.go("#/dashboard")
        b.el("#forbidden")
        # The API refuses it too, whatever the page shows.
        refused = b.d.execute_script("""
          const t = sessionStorage.getItem('setia.console.token');
          return fetch('/v1/admin/admins', {headers: {Authorization: 'Bearer ' + t}}).then(r => r.status);""")
        if refused != 403:
            raise Failure(f"GET /v1/admin/admins as staff answered {refused}, not 403")
        b.go("#/members")
        b.fill("#member-q", ocha)
        b.click("#member-search")
        b.click("#member-results .member-link")
        b.fill("#adjust-delta", "500")
        b.fill("#adjust-reason", "terlalu banyak")
        b.click("#adjust-form button")
        b.has_text("#member-status", "batas")
        csp_violations(b)
        severe = [e for e in b.browser_log if e.get("level") == "SEVERE" and "/v1/" not in e.get("message", "")]
        if severe:
            raise Failure("the browser logged errors:\n" + "\n".join(e["message"] for e in severe))
        log("all console checks passed")
        return 0
    except Exception as e:  # noqa: BLE001 - every failure is reported with what helps to read it
        log(f"FAILED: {e}")
        traceback.print_exc()
        report_failure("console", args.out, browser, setia)
        return 1
    finally:
        if browser:
            browser.quit()
        if setia:
            setia.stop()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(__doc__, ("chromium", "chromedriver", "mosquitto_pub"), run))
