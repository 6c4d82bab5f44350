"""The browser tests' harness: what console_test.py and app_test.py share.

A real setiad on the private PostgreSQL and Mosquitto of tests/run.sh
(SETIA_TEST_PG, SETIA_TEST_MQTT), with the console served from the source
tree and the database migrated by Setia.start(); setiactl for the store's
admins, members and POS events; headless Chromium (chromium-driver,
python3-selenium) whose waits are for elements and texts (generous: CI's
build is sanitized), never fixed sleeps; and the checks and reports both
tests make.
"""
import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

REPO = Path(__file__).resolve().parents[2]
WAIT_S = float(os.environ.get("SETIA_BROWSER_WAIT_S", "60"))
LAPTOP = (1280, 860)
PHONE = (390, 844)
WIB = dt.timezone(dt.timedelta(hours=7))

RULES = """version: 1
store: "*"
timezone: Asia/Jakarta
currency: IDR
points:
  earn:
    - {name: base, per_amount: 1000, points: 1}
  expiry: {after_days: 3650}
sales: {past_days: 30}
rewards:
  - id: free-coffee
    title: "Gratis 1 Kopi"
    cost: 100
    stock: 50
    voucher: { free_item: { category: coffee, qty: 1 }, valid_days: 30 }
reservations:
  seats: 12
  slot_minutes: 30
  stay_minutes: 90
  max_party: 8
  lead_minutes: 60
  horizon_days: 30
  max_open_per_member: 3
  hours: { mon-sun: "08:00-22:00" }
"""

# The running script's name as the log's prefix: console_test.py logs as
# "[console-test 12:34:56] ...", app_test.py as "[app-test ...]".
NAME = Path(sys.argv[0]).stem.replace("_", "-") or "browser-test"


class Failure(Exception):
    pass


def log(msg):
    print(f"[{NAME} {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def need_env(name):
    v = os.environ.get(name, "")
    if not v:
        raise Failure(f"{name} is not set: run through tests/run.sh, which starts the private PostgreSQL and Mosquitto")
    return v


class Setia:
    """setiad, setiactl and the store of this run."""

    def __init__(self, args, tmp):
        self.tmp = Path(tmp)
        self.setiad_path = args.setiad
        self.setiactl_path = args.setiactl
        salt = f"{os.getpid()}-{random.randrange(100000)}"
        self.store = f"kafe-{salt}"
        self.prefix = f"console-{salt}"
        self.mqtt_uri = need_env("SETIA_TEST_MQTT")
        (self.tmp / "rules").mkdir()
        (self.tmp / "rules" / "default.yaml").write_text(RULES)
        self.config = self.tmp / "setiad.yaml"
        self.config.write_text(f"""mqtt:
  uri: "{self.mqtt_uri}"
  client_id: setiad-{salt}
  topic_prefix: {self.prefix}
database:
  conninfo: "{need_env('SETIA_TEST_PG')}"
rules:
  dir: {self.tmp / 'rules'}
rest:
  listen: 127.0.0.1:0
  console_dir: {REPO / 'adapters/web/console'}
  argon2_opslimit: 1
  argon2_memlimit_kib: 8192
  login_max_attempts_per_address: 1000
log:
  level: info
""")
        self.log_path = self.tmp / "setiad.log"
        self.proc = None
        self.base = ""

    def ctl(self, *argv, input_text=None):
        r = subprocess.run([self.setiactl_path, "--config", str(self.config), *argv], capture_output=True, text=True,
                           input=input_text, timeout=300)
        if r.returncode != 0:
            raise Failure(f"setiactl {' '.join(argv)} failed ({r.returncode}): {r.stderr or r.stdout}")
        return r.stdout.strip()

    def admin(self, role, who, **extra):
        login = f"{who}-{self.store}@example.com"
        password = f"rahasia-{who}-123"
        pw = self.tmp / f"{who}.pw"
        pw.write_text(password + "\n")
        argv = ["admin", "add", "--store", self.store, "--role", role, "--login", login, "--name", who.title(),
                "--password-file", str(pw)]
        for k, v in extra.items():
            argv += [f"--{k.replace('_', '-')}", str(v)]
        self.ctl(*argv)
        return login, password

    def start(self):
        """The database migrated (idempotent: a fresh one works too), then
        setiad, until it listens and says it is ready."""
        self.ctl("db", "migrate")
        out = open(self.log_path, "ab")
        self.proc = subprocess.Popen([self.setiad_path, "--config", str(self.config)], stdout=out, stderr=out,
                                     stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            m = re.search(r"rest: listening on 127\.0\.0\.1:(\d+)", self.log())
            if m and "] ready:" in self.log():
                self.base = f"http://127.0.0.1:{m.group(1)}"
                return
            if self.proc.poll() is not None:
                raise Failure(f"setiad exited ({self.proc.returncode}):\n{self.log()}")
            time.sleep(0.1)
        raise Failure(f"setiad was not ready within 120 s:\n{self.log()}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def log(self):
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def pos_send(self, events):
        f = self.tmp / f"pos-{time.monotonic_ns()}.jsonl"
        f.write_text("".join(json.dumps(e) + "\n" for e in events))
        return json.loads(self.ctl("pos", "send", "--store", self.store, str(f)))

    def publish_raw(self, payload):
        host, port = self.mqtt_uri.split("://", 1)[1].rsplit(":", 1)
        subprocess.run(["mosquitto_pub", "-h", host, "-p", port, "-q", "1", "-t",
                        f"{self.prefix}/{self.store}/pos/sale", "-m", payload], check=True, timeout=30)

    def sale(self, receipt, qty, unit_price, member=None, when=None):
        when = when or dt.datetime.now(WIB).replace(microsecond=0) - dt.timedelta(minutes=1)
        s = {"schema": "setia.pos.sale/1", "event_id": f"evt-{receipt}", "store_id": self.store,
             "receipt_no": receipt, "occurred_at": when.isoformat(),
             "items": [{"sku": "NC-01", "name": "Nasi Cakalang", "qty": qty, "unit_price": unit_price,
                        "category": "food"}],
             "subtotal": qty * unit_price, "total": qty * unit_price, "paid": qty * unit_price,
             "payment_method": "cash"}
        if member:
            s["member"] = member
        return s

    def refund(self, receipt, amount):
        return {"schema": "setia.pos.refund/1", "event_id": f"ref-{receipt}-{amount}", "store_id": self.store,
                "receipt_no": receipt,
                "occurred_at": (dt.datetime.now(WIB).replace(microsecond=0) - dt.timedelta(seconds=30)).isoformat(),
                "amount": amount, "reason": "barang dikembalikan"}


class Browser:
    def __init__(self, base, out):
        self.base = base
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        opts = webdriver.ChromeOptions()
        opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                  "--disable-extensions", "--no-first-run", "--lang=id-ID", "--hide-scrollbars",
                  f"--window-size={LAPTOP[0]},{LAPTOP[1]}"):
            opts.add_argument(a)
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
        self.d = webdriver.Chrome(service=Service(driver), options=opts)
        self.d.set_page_load_timeout(WAIT_S * 2)
        self.d.set_window_size(*LAPTOP)
        self.browser_log = []

    def quit(self):
        try:
            self.d.quit()
        except Exception:  # noqa: BLE001 - the browser may be gone already
            pass

    def wait(self, cond, what, timeout=WAIT_S):
        """cond(driver) until it is truthy, every 0.5 s (WebDriverWait's step).
        A page that re-renders between a condition's find and its read (a
        list refreshed after a booking) is polled again, not a failure."""
        try:
            return WebDriverWait(self.d, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(cond)
        except TimeoutException:
            raise Failure(f"waited {timeout:.0f} s for {what}; the page says: {self.text()[:1500]}") from None

    def el(self, css, timeout=WAIT_S):
        return self.wait(EC.visibility_of_element_located((By.CSS_SELECTOR, css)), f"'{css}' to show", timeout)

    def has_text(self, css, text):
        self.wait(EC.text_to_be_present_in_element((By.CSS_SELECTOR, css), text), f"'{text}' in '{css}'")

    def has_exact(self, css, text):
        """Waits until the text of `css`, stripped, is `text` and nothing else
        ("1", not "12" nor "10")."""
        def exact(d):
            try:
                return d.find_element(By.CSS_SELECTOR, css).text.strip() == text
            except StaleElementReferenceException:
                return False  # re-rendered under us: look again
        try:
            self.wait(exact, f"'{css}' to read exactly '{text}'")
        except Failure as e:
            raise Failure(f"'{css}' reads {self.text(css).strip()!r}, not {text!r}: {e}") from None

    def text(self, css="body"):
        try:
            return self.d.find_element(By.CSS_SELECTOR, css).text
        except Exception:  # noqa: BLE001
            return ""

    def open(self, fragment=""):
        self.d.get(f"{self.base}/console/{fragment}")

    def go(self, fragment):
        self.d.execute_script("location.hash = arguments[0]", fragment)

    def fill(self, css, value):
        e = self.el(css)
        e.clear()
        e.send_keys(value)
        return e

    def click(self, css):
        e = self.wait(EC.element_to_be_clickable((By.CSS_SELECTOR, css)), f"'{css}' to be clickable")
        self.d.execute_script("arguments[0].scrollIntoView({block: 'center'})", e)
        e.click()
        return e

    def shoot(self, name, ready_css=None):
        """The page at a laptop's width, then at a phone's."""
        for label, size in (("laptop", LAPTOP), ("phone", PHONE)):
            self.d.set_window_size(*size)
            if ready_css:
                self.el(ready_css)
            # Let a resize's layout (and a chart's redraw) settle: a render,
            # not an assertion.
            self.d.execute_script("return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            self.d.execute_script("window.scrollTo(0, 0)")
            path = self.out / f"console-{name}-{label}.png"
            # The whole page, not only the first screen.
            height = self.d.execute_script("return Math.max(document.body.scrollHeight, window.innerHeight)")
            self.d.set_window_size(size[0], min(max(size[1], height + 120), 4000))
            self.d.save_screenshot(str(path))
            self.d.set_window_size(*size)
            log(f"screenshot {path}")
        self.d.set_window_size(*LAPTOP)

    def collect_log(self):
        try:
            self.browser_log += self.d.get_log("browser")
        except Exception:  # noqa: BLE001
            pass


def get(base, path):
    """A GET from the test itself, whatever its status: (status, headers, body)."""
    req = urllib.request.Request(base + path)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def no_secret_in_url(url, *secrets):
    """Failure if `url` holds a secret: a token's 43 characters, the words
    "token" or "password", or any of `secrets` (case-insensitive)."""
    low = url.lower()
    found = [s for s in ("token", "password", *secrets) if s.lower() in low]
    if re.search(r"[A-Za-z0-9_-]{43}", url):
        found.append("a 43-character token")
    if found:
        raise Failure(f"a secret reached the URL ({', '.join(found)}): {url}")


def csp_violations(browser):
    """Failure listing the Content-Security-Policy violations in the
    browser's log (collected first), if there are any."""
    browser.collect_log()
    csp = [e for e in browser.browser_log if "Content Security Policy" in e.get("message", "")]
    if csp:
        raise Failure("the browser reported CSP violations:\n" + "\n".join(e["message"] for e in csp))


def report_failure(name, out, browser, setia):
    """What helps to read a failure: a screenshot OUT/<name>-FAILED.png, the
    browser's last log lines, setiad's last 60 lines. browser and setia may
    be None (the failure came before them)."""
    if browser:
        try:
            Path(out).mkdir(parents=True, exist_ok=True)
            path = Path(out) / f"{name}-FAILED.png"
            browser.d.save_screenshot(str(path))
            log(f"screenshot of the failure: {path}")
            browser.collect_log()
            for entry in browser.browser_log[-20:]:
                log(f"browser: {entry.get('level')} {entry.get('message')}")
        except Exception:  # noqa: BLE001
            pass
    if setia:
        log("setiad's log (last 60 lines):\n" + "\n".join(setia.log().splitlines()[-60:]))


def main(doc, tools, run):
    """The command line both tests take; `tools` must be installed; then
    run(args)'s exit status."""
    p = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--setiad", required=True)
    p.add_argument("--setiactl", required=True)
    p.add_argument("--out", required=True, help="where the screenshots go")
    args = p.parse_args()
    for tool in tools:
        if not shutil.which(tool) and not Path(f"/usr/bin/{tool}").exists():
            print(f"{Path(sys.argv[0]).stem}: {tool} is missing (tests/run.sh installs it: setia_install_deps)",
                  file=sys.stderr)
            return 1
    return run(args)
