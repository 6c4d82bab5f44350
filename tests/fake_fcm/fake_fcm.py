#!/usr/bin/env python3
"""A local stand-in for FCM HTTP v1 and Google's OAuth2 token endpoint.

    fake_fcm.py --cert server.pem --key server.key --sa-public-key sa.pub \
                --client-email setia@proj.iam.gserviceaccount.com [--project setia-test]

Listens on 127.0.0.1, port 0, over TLS, and prints "PORT <n>" as its first
line on stdout. What it does (the shapes are the real service's):

  POST /token                               JWT-bearer grant: checks the RS256 signature
                                            against --sa-public-key, iss, aud, scope, iat, exp
  POST /v1/projects/{project}/messages:send checks the bearer token and the message;
                                            device tokens "unregistered-*", "mismatch-*",
                                            "invalid-*" get UNREGISTERED, SENDER_ID_MISMATCH,
                                            INVALID_ARGUMENT (naming message.token)
  POST /_control {"next": [...], "expires_in": n}
        queues answers for the next sends, each {"status": 503, "error_code": "...",
        "retry_after": 7, "retry_after_date": 30 (seconds from now, as an HTTP-date),
        "hang_seconds": 5 (then answers normally)}; a queued 401 without
        error_code also revokes the token it was sent with
  GET  /_messages   every accepted message; GET /_stats counters; POST /_reset
"""
import argparse, base64, email.utils, json, re, secrets, ssl, sys, threading, time, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
FCM_ERROR = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
RPC_STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
              429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}
ERROR_CODE = {400: "INVALID_ARGUMENT", 403: "SENDER_ID_MISMATCH", 404: "UNREGISTERED",
              429: "QUOTA_EXCEEDED", 500: "INTERNAL", 503: "UNAVAILABLE"}
TOPIC = re.compile(r"^[a-zA-Z0-9\-_.~%]+$")
RESERVED_DATA = ("from", "notification", "message_type")

lock = threading.Lock()
state = {}


def reset():
    state.update(tokens={}, expires_in=3599, queue=[], messages=[],
                 stats={"token_requests": 0, "tokens_issued": 0, "send_requests": 0, "accepted": 0,
                        "unauthenticated": 0})


def b64url_decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def fcm_error(status, message, error_code=None, violations=None):
    details = []
    if violations:
        details.append({"@type": "type.googleapis.com/google.rpc.BadRequest",
                        "fieldViolations": [{"field": f, "description": d} for f, d in violations]})
    if error_code:
        details.append({"@type": FCM_ERROR, "errorCode": error_code})
    err = {"code": status, "message": message, "status": RPC_STATUS.get(status, "UNKNOWN")}
    if details:
        err["details"] = details
    return status, {"error": err}


def payload_bytes(msg):
    """What counts toward the 4096-byte limit, measured as Setia measures it."""
    return sum(len(json.dumps(msg[k], separators=(",", ":"), ensure_ascii=False).encode())
               for k in ("notification", "data") if k in msg)


def check_message(msg):
    """None when the message is acceptable, else the 400 answer."""
    if not isinstance(msg, dict):
        return fcm_error(400, "message is missing", "INVALID_ARGUMENT", [("message", "required")])
    targets = [k for k in ("token", "topic", "condition") if k in msg]
    if len(targets) != 1:
        return fcm_error(400, "exactly one of token, topic, condition", "INVALID_ARGUMENT",
                         [("message", "Exactly one of token, topic or condition must be set")])
    if "topic" in msg and not TOPIC.match(str(msg["topic"])):
        return fcm_error(400, "Invalid topic name", "INVALID_ARGUMENT", [("message.topic", "Invalid topic name")])
    data = msg.get("data", {})
    if not isinstance(data, dict) or any(not isinstance(v, str) for v in data.values()):
        return fcm_error(400, "data values must be strings", "INVALID_ARGUMENT",
                         [("message.data", "Invalid value at 'message.data' (TYPE_STRING)")])
    bad = [k for k in data if k in RESERVED_DATA or k.startswith(("google.", "gcm."))]
    if bad:
        return fcm_error(400, f"Invalid data payload key: {bad[0]}", "INVALID_ARGUMENT",
                         [("message.data", f"Invalid data payload key: {bad[0]}")])
    limit = 2048 if "topic" in msg else 4096
    if payload_bytes(msg) > limit:
        return fcm_error(400, f"Message is too big: {payload_bytes(msg)} > {limit}", "INVALID_ARGUMENT",
                         [("message", "Message is too big")])
    token = msg.get("token", "")
    if token.startswith("unregistered-"):
        return fcm_error(404, "Requested entity was not found.", "UNREGISTERED")
    if token.startswith("mismatch-"):
        return fcm_error(403, "SenderId mismatch", "SENDER_ID_MISMATCH")
    if token.startswith("invalid-"):
        return fcm_error(400, "The registration token is not a valid FCM registration token", "INVALID_ARGUMENT",
                         [("message.token", "Invalid registration token")])
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as FCM: the client reuses connections
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall

    def handle(self):
        try:
            super().handle()
        except OSError as e:  # incl. ssl.SSLError: a client that refused our certificate
            sys.stderr.write(f"fake_fcm: connection dropped: {e}\n")

    def answer(self, status, body, headers=()):
        raw = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(raw)))
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(raw)
        except OSError:  # the client gave up (timeout test): nothing to tell it
            self.close_connection = True

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length", 0)))

    def do_GET(self):
        with lock:
            if self.path == "/_messages":
                return self.answer(200, {"messages": state["messages"]})
            if self.path == "/_stats":
                return self.answer(200, state["stats"])
        self.answer(404, {"error": "no such path"})

    def do_POST(self):
        raw = self.body()
        if self.path == "/token":
            return self.answer(*self.token(raw))
        if self.path == "/_control":
            ctl = json.loads(raw)
            with lock:
                state["queue"].extend(ctl.get("next", []))
                state["expires_in"] = ctl.get("expires_in", state["expires_in"])
            return self.answer(200, {})
        if self.path == "/_reset":
            with lock:
                reset()
            return self.answer(200, {})
        m = re.fullmatch(r"/v1/projects/([^/]+)/messages:send", self.path)
        if not m:
            return self.answer(404, {"error": "no such path"})
        self.send_message(m.group(1), raw)

    def token(self, raw):
        with lock:
            state["stats"]["token_requests"] += 1
        form = urllib.parse.parse_qs(raw.decode())
        if form.get("grant_type") != ["urn:ietf:params:oauth:grant-type:jwt-bearer"]:
            return 400, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type"}
        try:
            head, claims, sig = form["assertion"][0].split(".")
            header = json.loads(b64url_decode(head))
            payload = json.loads(b64url_decode(claims))
            if header.get("alg") != "RS256":
                raise ValueError("alg must be RS256")
            if ARGS.key_id and header.get("kid") != ARGS.key_id:
                raise ValueError("unknown kid")
            PUBLIC_KEY.verify(b64url_decode(sig), f"{head}.{claims}".encode(), padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            return 400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
        except (KeyError, ValueError) as e:
            return 400, {"error": "invalid_grant", "error_description": f"Invalid JWT: {e}"}
        now = time.time()
        problems = [what for what, ok in (
            ("iss", payload.get("iss") == ARGS.client_email),
            ("aud", payload.get("aud") == f"https://127.0.0.1:{PORT}/token"),
            ("scope", SCOPE in str(payload.get("scope", "")).split()),
            ("exp", isinstance(payload.get("exp"), int) and payload["exp"] > now),
            ("iat", isinstance(payload.get("iat"), int) and payload["iat"] <= now + 60
             and payload.get("exp", 0) - payload["iat"] <= 3600)) if not ok]
        if problems:
            return 400, {"error": "invalid_grant", "error_description": f"Invalid JWT claims: {', '.join(problems)}"}
        with lock:
            token = "fake-at-" + secrets.token_hex(16)
            state["tokens"][token] = now + state["expires_in"]
            state["stats"]["tokens_issued"] += 1
            return 200, {"access_token": token, "expires_in": state["expires_in"], "token_type": "Bearer"}

    def send_message(self, project, raw):
        auth = self.headers.get("Authorization", "")
        bearer = auth[len("Bearer "):] if auth.startswith("Bearer ") else ""
        with lock:
            state["stats"]["send_requests"] += 1
            if state["tokens"].get(bearer, 0) <= time.time():
                state["stats"]["unauthenticated"] += 1
                return self.answer(*fcm_error(401, "Request had invalid authentication credentials."))
            fault = state["queue"].pop(0) if state["queue"] else {}
        if "hang_seconds" in fault:
            time.sleep(fault["hang_seconds"])  # a slow FCM: the client may time out; we go on regardless
        if "status" in fault:
            status = fault["status"]
            headers = []
            if "retry_after" in fault:
                headers.append(("Retry-After", str(fault["retry_after"])))
            if "retry_after_date" in fault:
                headers.append(("Retry-After", email.utils.formatdate(time.time() + fault["retry_after_date"],
                                                                       usegmt=True)))
            code = fault.get("error_code", ERROR_CODE.get(status))
            if status == 401 and "error_code" not in fault:
                code = None
                with lock:
                    state["tokens"].pop(bearer, None)  # revoked: only a new token helps
            return self.answer(*fcm_error(status, "injected by the test", code), headers)
        if project != ARGS.project:
            return self.answer(*fcm_error(404, "Requested entity was not found."))
        try:
            msg = json.loads(raw).get("message")
        except (ValueError, AttributeError):
            return self.answer(*fcm_error(400, "Invalid JSON payload received.", None, [("", "Invalid JSON")]))
        rejected = check_message(msg)
        if rejected:
            return self.answer(*rejected)
        with lock:
            state["stats"]["accepted"] += 1
            state["messages"].append(msg)
            name = f"projects/{project}/messages/0:{len(state['messages'])}%{secrets.token_hex(4)}"
        self.answer(200, {"name": name})

    def log_message(self, fmt, *args):
        sys.stderr.write("fake_fcm: " + (fmt % args) + "\n")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--sa-public-key", required=True)
    p.add_argument("--client-email", required=True)
    p.add_argument("--key-id", default="")
    p.add_argument("--project", default="setia-test")
    ARGS = p.parse_args()
    with open(ARGS.sa_public_key, "rb") as f:
        PUBLIC_KEY = serialization.load_pem_public_key(f.read())
    reset()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(ARGS.cert, ARGS.key)
    # The handshake happens in the request's thread, so a client that fails
    # it (untrusted CA) never stalls the accept loop.
    server.socket = ctx.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    PORT = server.server_address[1]
    print(f"PORT {PORT}", flush=True)
    server.serve_forever()
