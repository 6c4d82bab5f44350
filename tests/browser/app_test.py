#!/usr/bin/env python3
"""The member's app at /app/ in a real browser (docs/member-app.md).

On the browser harness shared with the owner's console (harness.py: setiad
on the private PostgreSQL and Mosquitto of tests/run.sh, headless Chromium
through chromium-driver and python3-selenium), at a phone's size (390x844):

  - the first view over a throttled 3G link from an empty cache: bytes
    transferred and the time to the first render, printed;
  - the CSP and nosniff headers of the app's files;
  - register, see the member card; its QR decodes (zbarimg) to the code;
  - a sale published over MQTT for this member shows in the history with
    its points and why, and on its e-nota page;
  - claim a promo, and its voucher's QR decodes (zbarimg) to the voucher
    code; redeem a reward;
  - book and cancel a reservation;
  - the card offline (the service worker's shell, the last card kept);
  - profile: consent; delete the account, and fail to log in again;
  - no CSP violation in the browser's log, no token in a URL.

Every screen is saved as OUT/app-<screen>.png.

  tests/browser/app_test.py --setiad build/adapters/daemon/setiad \\
      --setiactl build/adapters/cli/setiactl --out build/screenshots
"""
import json
import re
import shutil
import subprocess
import sys
import tempfile
import traceback

from selenium.webdriver.common.by import By

from harness import (PHONE, REPO, Browser, Failure, Setia, csp_violations, get, log, main, no_secret_in_url,
                     report_failure)

APP_DIR = REPO / "adapters/web/app"

# The "3G" preset of Chromium's DevTools (its network panel): 562.5 ms
# round trip, 1.6 Mbit/s down and 750 kbit/s up, each at 90 %.
THREE_G = {"offline": False, "latency": 562.5, "downloadThroughput": 1.6e6 / 8 * 0.9,
           "uploadThroughput": 750e3 / 8 * 0.9}
MAX_FIRST_VIEW_BYTES = 200 * 1024

# A 2x2 PNG: the store's logo.
LOGO = ("data:image/png;base64,"
        "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGPI9XEEIgYIBQAcFgPpTbD7xgAAAABJRU5ErkJggg==")


def store_rules(store):
    return f"""version: 1
store: {store}
timezone: Asia/Jakarta
points:
  earn:
    - {{name: base, per_amount: 1000, points: 1}}
  expiry: {{after_days: 3650}}
sales: {{past_days: 30}}
rewards:
  - id: free-coffee
    title: "Gratis 1 Kopi"
    cost: 100
    stock: 50
    voucher: {{ free_item: {{ category: coffee, qty: 1 }}, valid_days: 30 }}
promos:
  - id: hemat
    title: "Diskon 10%"
    audience: members
    from: 2020-01-01
    until: 2099-12-31
    claim: {{ per_member: 1 }}
    voucher: {{ percent_off: 10, max_off: 20000, min_spend: 50000, valid_days: 7 }}
reservations:
  seats: 12
  slot_minutes: 30
  stay_minutes: 90
  max_party: 8
  lead_minutes: 60
  horizon_days: 30
  max_open_per_member: 3
  hours: {{ mon-sun: "08:00-22:00" }}
branding:
  name: "Kopi Senja Test"
  logo: "{LOGO}"
  primary: "#1b5e20"
  accent: "#ffc107"
"""


class AppSetia(Setia):
    """The harness's setiad, with the app mounted and a store of its own."""

    def __init__(self, args, tmp):
        super().__init__(args, tmp)
        (self.tmp / "rules" / f"{self.store}.yaml").write_text(store_rules(self.store))
        text = self.config.read_text()
        if "\nrest:\n" not in text:
            raise Failure("the harness's config has no rest section")
        self.config.write_text(text.replace("\nrest:\n", f"\nrest:\n  app_dir: {APP_DIR}\n", 1))


class Phone(Browser):
    def __init__(self, base, out):
        super().__init__(base, out)
        self.d.set_window_size(*PHONE)

    def app(self, query=""):
        self.d.get(f"{self.base}/app/{query}")

    def shot(self, name, ready_css):
        self.el(ready_css)
        self.d.execute_script("return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        path = self.out / f"app-{name}.png"
        self.d.save_screenshot(str(path))
        log(f"screenshot {path}")

    def decode_qr(self, css, name, want):
        """The text of the QR shown by `css`, read by zbarimg from a shot of
        it; Failure unless it is `want`."""
        img = self.el(css)
        self.wait(lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", img),
                  f"the image '{css}' to load")
        src = img.get_attribute("src")
        if not (src.startswith("blob:") or src.startswith("data:image/png")):
            raise Failure(f"{css} is not a blob or data URL (the token must stay out of URLs): {src[:80]}")
        self.d.execute_script("arguments[0].scrollIntoView({block: 'center'})", img)
        path = self.out / f"app-qr-{name}.png"
        path.write_bytes(img.screenshot_as_png)
        r = subprocess.run(["zbarimg", "--raw", "-q", str(path)], capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise Failure(f"zbarimg could not read {path} ({r.returncode}): {r.stderr}")
        got = r.stdout.strip()
        if got != want:
            raise Failure(f"the QR {css} ({path}) reads {got!r}, not {want!r}")
        return got


def check_headers(base, store):
    status, headers, body = get(base, "/app/")
    if status != 200 or b'<script type="module" src="js/app.js">' not in body:
        raise Failure(f"/app/ answered {status}: {body[:200]!r}")
    csp = headers.get("Content-Security-Policy", "")
    for part in ("default-src 'self'", "script-src 'self'", "connect-src 'self'", "img-src 'self' data: blob:"):
        if part not in csp:
            raise Failure(f"/app/'s CSP lacks {part}: {csp}")
    if "unsafe-inline" in csp or "unsafe-eval" in csp:
        raise Failure(f"/app/'s CSP allows inline code: {csp}")
    if headers.get("X-Content-Type-Options") != "nosniff":
        raise Failure(f"/app/ has no nosniff: {headers}")
    for path, kind in (("/app/sw.js", "text/javascript"), ("/app/manifest.webmanifest", "application/manifest+json"),
                       ("/app/icons/icon-192.png", "image/png")):
        status, headers, _ = get(base, path)
        if status != 200 or not headers.get("Content-Type", "").startswith(kind):
            raise Failure(f"{path}: {status} {headers.get('Content-Type')}, expected {kind}")
    status, _, body = get(base, f"/v1/stores/{store}/branding")
    b = json.loads(body)
    if status != 200 or b["name"] != "Kopi Senja Test" or b["primary"] != "#1b5e20":
        raise Failure(f"the store's branding: {status} {body[:200]!r}")


def first_view(phone, store):
    """The app's first screen on 3G from an empty cache: bytes and time."""
    d = phone.d
    d.execute_cdp_cmd("Network.enable", {})
    d.execute_cdp_cmd("Network.clearBrowserCache", {})
    d.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    d.execute_cdp_cmd("Network.emulateNetworkConditions", THREE_G)
    try:
        phone.app(f"?store={store}")
        phone.el("#register-form", timeout=120)
        m = d.execute_script("""
            const nav = performance.getEntriesByType('navigation')[0];
            const res = performance.getEntriesByType('resource');
            const paint = performance.getEntriesByName('first-contentful-paint')[0];
            return {
              html: nav.transferSize,
              resources: res.map(r => [r.name.replace(location.origin, ''), r.transferSize]),
              bytes: nav.transferSize + res.reduce((s, r) => s + r.transferSize, 0),
              fcp: paint ? paint.startTime : null,
              ready: performance.now(),
            };""")
    finally:
        d.execute_cdp_cmd("Network.emulateNetworkConditions",
                          {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
        d.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": False})
    for name, size in m["resources"]:
        log(f"  3G first view: {size:6d} B  {name}")
    log(f"3G FIRST VIEW: {m['bytes']} bytes transferred in {1 + len(m['resources'])} requests; "
        f"first contentful paint {m['fcp']:.0f} ms; register form shown at {m['ready']:.0f} ms "
        f"(Chromium '3G': 562.5 ms RTT, 1.44 Mbit/s down)")
    if m["bytes"] > MAX_FIRST_VIEW_BYTES:
        raise Failure(f"the first view weighs {m['bytes']} bytes, more than {MAX_FIRST_VIEW_BYTES}")
    if m["fcp"] is None:
        raise Failure("no first contentful paint was recorded")
    return m


def installs_as_the_cafe(phone, store):
    """The manifest Chromium would install from: the café's own."""
    want = f"/v1/stores/{store}/manifest.webmanifest"
    got = {}

    def cafe_manifest(d):
        got.update(d.execute_cdp_cmd("Page.getAppManifest", {}))
        return got.get("url", "").endswith(want)
    phone.wait(cafe_manifest, f"the page to link {want}")
    if got.get("errors"):
        raise Failure(f"Chromium finds errors in {want}: {got['errors']}")
    m = json.loads(got["data"])
    if (m["name"], m["short_name"], m["theme_color"], m["start_url"]) != (
            "Kopi Senja Test", "Kopi Senja T", "#1b5e20", f"/app/?store={store}"):
        raise Failure(f"the installed app would not be the café's: {m}")
    if m["icons"][0]["src"] != f"/v1/stores/{store}/logo":
        raise Failure(f"the installed app's first icon is not the café's logo: {m['icons']}")
    log(f"installs as {m['name']!r} ({m['short_name']!r}), icon {m['icons'][0]['sizes']} logo, "
        f"{len(m['icons'])} icon(s), from {want}")


def run(args):
    tmp = setia = phone = None
    try:
        tmp = tempfile.mkdtemp(prefix="setia-app-")
        setia = AppSetia(args, tmp)
        setia.start()
        store = setia.store
        log(f"setiad at {setia.base}, store {store}")
        check_headers(setia.base, store)
        phone = Phone(setia.base, args.out)
        p = phone

        # --- the first view on 3G, then the café's look -------------------
        first_view(p, store)
        p.has_text("#brand-name", "Kopi Senja Test")
        if not p.d.execute_script("return document.getElementById('brand-logo').src.startsWith('data:image/png')"):
            raise Failure("the store's logo is not shown")
        bar = p.d.execute_script("return getComputedStyle(document.querySelector('.bar')).backgroundColor")
        if bar != "rgb(27, 94, 32)":
            raise Failure(f"the bar is not the store's primary colour #1b5e20: {bar}")
        installs_as_the_cafe(p, store)
        p.shot("register", "#register-form")

        # --- register, the card ------------------------------------------
        salt = store.split("-", 1)[1]
        email = f"ocha-{salt}@example.com"
        password = "rahasia-ocha-1"
        phone_no = "0812" + re.sub(r"\D", "", salt)[-8:].rjust(8, "7")
        p.fill("#register-form input[name=name]", "Ocha Pratiwi")
        p.fill("#register-form input[name=email]", email)
        p.fill("#register-form input[name=phone]", phone_no)
        p.d.execute_script("document.querySelector('#register-form input[name=birth_date]').value = '1999-05-27'")
        p.fill("#register-form input[name=password]", password)
        p.click("#register-submit")
        p.el("#member-card")
        p.has_exact("#points", "0")
        code = p.text("#member-code")
        if not re.fullmatch(r"[A-Z0-9]+-[A-Z0-9]{8}", code):
            raise Failure(f"no member code on the card: {code!r}")
        p.has_text("#next-reward", "100 poin lagi untuk Gratis 1 Kopi")
        no_secret_in_url(p.d.current_url)
        p.decode_qr("#member-qr", "member", code)
        log(f"member {code} registered; its QR decodes to it")
        p.shot("home", "#member-card")
        width = p.d.execute_script("return document.getElementById('member-qr').getBoundingClientRect().width")
        if width < 250:
            raise Failure(f"the member QR is {width} px wide on a phone, too small for a till's scanner")

        # --- a sale over MQTT shows in the history, with its e-nota --------
        receipt = f"R-{salt}-1"
        summary = setia.pos_send([setia.sale(receipt, 12, 13000, member=code)])
        log(f"pos send: {summary}")
        p.click("#tab-history")
        p.has_text("#sale-list", receipt)
        p.has_text("#sale-list", "+156 poin")
        p.has_text("#sale-list", "Karena: base")
        p.has_text("#sale-list", "Rp 156.000")
        p.shot("history", "#sale-list")
        p.click("#sale-list .sale a")
        p.has_text("#enota", "12 x Nasi Cakalang")
        p.has_text("#enota", "Rp 156.000")
        p.has_text("#enota-points", "+156 poin")
        p.has_text("#enota", "Kopi Senja Test")
        p.shot("enota", "#enota")

        # --- promos: claim, the voucher's QR -------------------------------
        p.click("#tab-promos")
        p.has_text("#promo-list", "Diskon 10%")
        p.shot("promos", "#promo-list")
        p.click("#promo-list [data-promo=hemat]")
        p.el("#voucher-list")
        voucher = p.text("#voucher-list .voucher-code")
        if not voucher.startswith("V-"):
            raise Failure(f"no voucher code after the claim: {voucher!r}")
        p.decode_qr(f"#voucher-list img[data-code='{voucher}']", "voucher", voucher)
        log(f"promo claimed: voucher {voucher}; its QR decodes to it")
        p.shot("vouchers", "#voucher-list img.voucher-qr")

        # --- rewards: redeem with the sale's points ------------------------
        p.click("#tab-rewards")
        p.has_exact("#points", "156")
        p.shot("rewards", "#reward-list")
        p.click("#reward-list [data-reward=free-coffee]")
        p.has_text("#voucher-list", "Gratis 1 Kopi")
        p.click("#tab-home")
        p.wait(lambda d: p.text("#points") == "56", "the balance to be 156 - 100 = 56")

        # --- reservations: book, cancel ------------------------------------
        p.click("#tab-reservations")
        p.click("#find-slots")
        p.click("#slots button[data-time='19:00']")
        p.has_text("#my-reservations", "19:00")
        p.has_text("#my-reservations", "Menunggu konfirmasi")
        p.shot("reservations", "#my-reservations .reservation")
        p.click("#my-reservations .reservation .cancel")
        p.wait(lambda d: d.find_element(By.CSS_SELECTOR, "#my-reservations .reservation").get_attribute(
            "data-status") == "cancelled", "the reservation to be cancelled")
        p.has_text("#my-reservations", "Dibatalkan")

        # --- English -------------------------------------------------------
        p.click("#lang")
        p.has_text("#tab-history", "History")
        p.click("#lang")
        p.has_text("#tab-history", "Riwayat")

        # --- offline: the shell from the service worker, the last card -----
        p.click("#tab-home")
        p.el("#member-card")
        p.wait(lambda d: d.execute_script("return !!navigator.serviceWorker.controller"),
               "the service worker to control the page")
        p.d.execute_cdp_cmd("Network.enable", {})
        p.d.execute_cdp_cmd("Network.emulateNetworkConditions",
                            {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
        try:
            p.d.refresh()
            p.el("#offline-note")
            p.has_text("#member-code", code)
            p.decode_qr("#member-qr", "offline", code)
            p.shot("offline", "#member-card")
        finally:
            p.d.execute_cdp_cmd("Network.emulateNetworkConditions",
                                {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
        log("the card shows offline")
        p.d.refresh()

        # --- profile: consent, then delete the account ----------------------
        p.click("#tab-profile")
        p.el("#profile-form")
        p.click("#consent-push-promo")
        p.has_text("#toast", "Tersimpan")
        p.shot("profile", "#delete-form")
        p.fill("#delete-form input[name=current]", password)
        p.click("#delete-form input[name=forfeit]")
        p.click("#delete-submit")
        p.el("#login-form")
        p.has_text("#toast", "Akun dihapus")
        p.fill("#login-form input[name=login]", email)
        p.fill("#login-form input[name=password]", password)
        p.click("#login-submit")
        p.has_text("#toast", "Email/nomor HP atau kata sandi salah.")
        p.shot("login-refused", "#login-form")
        no_secret_in_url(p.d.current_url)
        if p.d.execute_script("return localStorage.getItem('setia.card') || localStorage.getItem('setia.refresh')"):
            raise Failure("the card or a refresh token stayed in the browser after the account was deleted")
        log("account deleted; its login is refused")

        csp_violations(p)
        log("all app checks passed")
        return 0
    except Exception as e:  # noqa: BLE001 - every failure is reported with what helps to read it
        log(f"FAILED: {e}")
        traceback.print_exc()
        report_failure("app", args.out, phone, setia)
        return 1
    finally:
        if phone:
            phone.quit()
        if setia:
            setia.stop()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(__doc__, ("chromium", "chromedriver", "zbarimg"), run))
