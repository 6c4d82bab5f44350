#!/usr/bin/env python3
"""Check the POS contract's JSON Schemas against its examples.

Usage: python3 tests/contract/validate_examples.py <repo root>

- every schema in docs/schemas/ is a valid draft 2020-12 schema whose $id
  ends with its file name;
- every docs/examples/*.json validates against the schema its name maps to;
- every ```json block of docs/pos-contract.md validates against the schema
  named by its "schema" field;
- every docs/examples/invalid/*.json FAILS its schema, and, when listed in
  EXPECTED_ERRORS, fails for the intended reason (keyword at a JSON pointer).

Prints one line per file (or doc block) and ends with "N passed, N failed";
exits 1 on any failure, 2 on a usage or setup error.
"""

import datetime
import json
import re
import sys
from pathlib import Path

try:
    import jsonschema
    from jsonschema.validators import validator_for
except ImportError:
    print("jsonschema is not installed (Debian: apt-get install python3-jsonschema)", file=sys.stderr)
    sys.exit(2)

# Example file name prefix -> schema file. Longest prefix wins, so that
# "lookup-reply" is not taken for "lookup".
PREFIX_TO_SCHEMA = {
    "sale": "pos.sale.1.json",
    "refund": "pos.refund.1.json",
    "lookup": "pos.lookup.1.json",
    "lookup-reply": "pos.lookup-reply.1.json",
    "result": "pos.result.1.json",
    "deadletter": "deadletter.1.json",
    "throttled": "pos.throttled.1.json",
}

# The "schema" field of a message -> schema file (for the doc's blocks).
MESSAGE_TO_SCHEMA = {
    "setia.pos.sale/1": "pos.sale.1.json",
    "setia.pos.refund/1": "pos.refund.1.json",
    "setia.pos.lookup/1": "pos.lookup.1.json",
    "setia.pos.lookup-reply/1": "pos.lookup-reply.1.json",
    "setia.pos.result/1": "pos.result.1.json",
    "setia.deadletter/1": "deadletter.1.json",
    "setia.pos.throttled/1": "pos.throttled.1.json",
}

# Invalid example -> (JSON Schema keyword, JSON pointer of the failing value,
# text the message must contain) that must be among its errors, so that an
# example fails for the reason it was written for and not because of a typo.
EXPECTED_ERRORS = {
    "sale-float-money.json": ("type", "/items/0/unit_price"),
    "sale-money-as-string.json": ("type", "/total"),
    "sale-missing-event-id.json": ("required", "", "'event_id'"),
    "sale-empty-items.json": ("minItems", "/items"),
    "sale-zero-qty.json": ("minimum", "/items/0/qty"),
    "sale-item-without-sku-or-name.json": ("anyOf", "/items/0"),
    "sale-empty-cashier.json": ("minLength", "/cashier"),
    "sale-change-without-paid.json": ("dependentRequired", "", "'paid'"),
    "sale-negative-discount.json": ("minimum", "/discount"),
    "sale-bad-store-id.json": ("pattern", "/store_id"),
    "sale-event-id-too-long.json": ("maxLength", "/event_id"),
    "sale-occurred-at-no-offset.json": ("format", "/occurred_at"),
    "sale-unknown-service.json": ("enum", "/service"),
    "sale-wrong-schema.json": ("const", "/schema"),
    "refund-float-amount.json": ("type", "/amount"),
    "lookup-missing-store-id.json": ("required", "", "'store_id'"),
    "lookup-reply-float-discount.json": ("type", "/voucher/discount"),
    "result-rejected-without-reason.json": ("required", "", "'reason'"),
    "throttled-with-event-id.json": ("not", ""),
    "result-unknown-member-with-points.json": ("const", "/member/points_earned"),
    "deadletter-local-time.json": ("pattern", "/received_at"),
    "deadletter-missing-payload.json": ("required", "", "'payload'"),
}

# RFC 3339 date-time (section 5.6), used when jsonschema has no date-time
# checker of its own (it needs the optional rfc3339-validator package).
RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)


def rfc3339_date_time(value):
    if not isinstance(value, str):
        return True  # format applies to strings only
    m = RFC3339.match(value)
    if not m:
        raise ValueError(f"{value!r} is not an RFC 3339 date-time with offset")
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    datetime.date(year, month, day)  # raises ValueError on 2020-02-30
    if hour > 23 or minute > 59 or second > 60:  # 60: leap second
        raise ValueError(f"{value!r} has an out-of-range time")
    offset = m.group(8)
    if offset not in "Zz" and (int(offset[1:3]) > 23 or int(offset[4:6]) > 59):
        raise ValueError(f"{value!r} has an out-of-range offset")
    return True


def make_format_checker():
    checker = jsonschema.FormatChecker()
    if "date-time" in checker.checkers:
        return checker, "jsonschema"
    checker.checks("date-time", raises=ValueError)(rfc3339_date_time)
    return checker, "built-in RFC 3339 check"


def schema_for_name(name):
    stem = name[: -len(".json")]
    best = None
    for prefix, schema in PREFIX_TO_SCHEMA.items():
        if (stem == prefix or stem.startswith(prefix + "-")) and (
            best is None or len(prefix) > len(best[0])
        ):
            best = (prefix, schema)
    return best[1] if best else None


def pointer(path):
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def matches(error, expected):
    keyword, where, text = (tuple(expected) + ("",))[:3]
    return error.validator == keyword and pointer(error.absolute_path) == where and text in error.message


def describe(error):
    return f"{pointer(error.absolute_path) or '/'}: {error.message}"


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    root = Path(argv[1]).resolve()
    schema_dir = root / "docs" / "schemas"
    example_dir = root / "docs" / "examples"
    invalid_dir = example_dir / "invalid"
    doc = root / "docs" / "pos-contract.md"

    checker, checker_name = make_format_checker()
    print(f"date-time format checked by: {checker_name}")

    passed = failed = 0

    def ok(line):
        nonlocal passed
        passed += 1
        print(f"PASS {line}")

    def fail(line):
        nonlocal failed
        failed += 1
        print(f"FAIL {line}")

    def rel(path):
        return path.relative_to(root).as_posix()

    def load(path):
        with open(path, encoding="utf-8") as f:
            return json.load(f)

    # Schemas.
    validators = {}
    for path in sorted(schema_dir.glob("*.json")):
        try:
            schema = load(path)
            cls = validator_for(schema, default=None)
            if cls is None or cls.__name__ != "Draft202012Validator":
                raise ValueError(f"$schema is not draft 2020-12: {schema.get('$schema')!r}")
            cls.check_schema(schema)
            if not schema.get("$id", "").endswith("/schemas/" + path.name):
                raise ValueError(f"$id {schema.get('$id')!r} does not end with /schemas/{path.name}")
            validators[path.name] = cls(schema, format_checker=checker)
        except Exception as e:  # report every broken schema, not only the first
            fail(f"{rel(path)}: {e}")
            continue
        ok(f"{rel(path)}: valid draft 2020-12 schema")
    for name in sorted(set(PREFIX_TO_SCHEMA.values()) - set(validators)):
        fail(f"docs/schemas/{name}: missing or unreadable")

    def check_valid(label, instance, schema_name):
        v = validators.get(schema_name)
        if v is None:
            fail(f"{label}: no usable schema {schema_name}")
            return
        errors = sorted(v.iter_errors(instance), key=lambda e: list(e.absolute_path))
        if errors:
            fail(f"{label} against {schema_name}: " + "; ".join(describe(e) for e in errors))
        else:
            ok(f"{label} matches {schema_name}")

    # Valid examples.
    examples = sorted(example_dir.glob("*.json"))
    if not examples:
        fail(f"{rel(example_dir)}: no examples found")
    for path in examples:
        schema_name = schema_for_name(path.name)
        if schema_name is None:
            fail(f"{rel(path)}: name maps to no schema (prefixes: {', '.join(sorted(PREFIX_TO_SCHEMA))})")
            continue
        try:
            instance = load(path)
        except ValueError as e:
            fail(f"{rel(path)}: not JSON: {e}")
            continue
        check_valid(rel(path), instance, schema_name)

    # The doc's own examples.
    if doc.exists():
        text = doc.read_text(encoding="utf-8")
        for m in re.finditer(r"^```json\n(.*?)^```", text, re.S | re.M):
            line = text.count("\n", 0, m.start()) + 1
            label = f"{rel(doc)}:{line}"
            try:
                instance = json.loads(m.group(1))
            except ValueError as e:
                fail(f"{label}: not JSON: {e}")
                continue
            name = instance.get("schema") if isinstance(instance, dict) else None
            if name not in MESSAGE_TO_SCHEMA:
                fail(f"{label}: unknown \"schema\" {name!r}")
                continue
            check_valid(label, instance, MESSAGE_TO_SCHEMA[name])
    else:
        fail(f"{rel(doc)}: missing")

    # Invalid examples.
    invalids = sorted(invalid_dir.glob("*.json"))
    if not invalids:
        fail(f"{rel(invalid_dir)}: no invalid examples found")
    for name in sorted(set(EXPECTED_ERRORS) - {p.name for p in invalids}):
        fail(f"{rel(invalid_dir)}/{name}: listed in EXPECTED_ERRORS but missing")
    for path in invalids:
        schema_name = schema_for_name(path.name)
        v = validators.get(schema_name) if schema_name else None
        if v is None:
            fail(f"{rel(path)}: name maps to no usable schema")
            continue
        try:
            instance = load(path)
        except ValueError as e:
            fail(f"{rel(path)}: not JSON (an invalid example must be JSON that fails its schema): {e}")
            continue
        errors = list(v.iter_errors(instance))
        if not errors:
            fail(f"{rel(path)}: expected to fail {schema_name}, but it validates")
            continue
        expected = EXPECTED_ERRORS.get(path.name)
        found = [e for e in errors if expected and matches(e, expected)]
        if expected and not found:
            fail(
                f"{rel(path)}: fails {schema_name}, but not with {expected[0]} at "
                f"{expected[1] or '/'}: " + "; ".join(describe(e) for e in errors)
            )
            continue
        shown = found[0] if found else errors[0]
        ok(f"{rel(path)} rejected by {schema_name}: {describe(shown)}")

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
