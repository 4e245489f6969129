"""contract.py: check the bridge's answers against its own OpenAPI document
(GET /openapi.json) with jsonschema (Debian's python3-jsonschema), the same
rules as tests/refine/lib/contract.mjs:

- a path the document lists answers only the statuses its operation
  declares, with the headers it declares required and a body its JSON
  Schema accepts (OpenAPI 3.1: JSON Schema 2020-12);
- a concrete path is matched before a templated one (OpenAPI 3.1.0, Paths
  Object: /api/v1/sales/confirm before /api/v1/sales/{id});
- a path it does not list answers 404, a method it does not list 405 with
  Allow, both with the Error shape; OPTIONS answers 204; HEAD is GET
  without a body; /docs and /openapi.json are served but not listed (as
  FastAPI's), nor is /metrics (Prometheus text, not public);
- given the request's body, each entry of a POST /api/v1/batch answer is
  checked as the answer of the same request alone (its method and path,
  its status, headers and body); an entry not run (413) or malformed (400)
  only has the Error shape.

harness.py calls check() for every answer that carries X-Request-Id (every
answer of the bridge has one; the web server's own, e.g. a 404 for a path it
does not hand to the bridge, does not)."""

import json
import re
import urllib.parse

import jsonschema

UNDOCUMENTED = ("/docs", "/openapi.json", "/metrics")


def _template_re(template):
    parts = re.split(r"\{[^}]+\}", template)
    return re.compile("^" + "[^/]+".join(re.escape(p) for p in parts) + "/?$")


def _pointer(doc, ref):
    node = doc
    for tok in ref.lstrip("#").split("/")[1:]:
        node = node[tok.replace("~1", "/").replace("~0", "~")]
    return node


class Contract:
    def __init__(self, doc):
        self.doc = doc
        # Concrete paths first (OpenAPI 3.1.0, 4.8.8 Paths Object); sorted is stable.
        self.paths = sorted(((p, _template_re(p)) for p in doc["paths"]), key=lambda t: t[0].count("{"))
        self.resolver = jsonschema.RefResolver.from_schema(doc)
        self.checker = jsonschema.FormatChecker()
        self.checked = 0

    def _validate(self, schema, data):
        v = jsonschema.Draft202012Validator(schema, resolver=self.resolver, format_checker=self.checker)
        errors = sorted(v.iter_errors(data), key=lambda e: list(e.path))
        return ["%s at %s" % (e.message[:300], "/".join(str(x) for x in e.path)) for e in errors[:5]]

    def _error_shape(self, where, body):
        try:
            data = json.loads(body)
        except ValueError:
            return ["%s: the body is not JSON: %r" % (where, body[:200])]
        return ["%s: not the Error shape: %s" % (where, p)
                for p in self._validate(self.doc["components"]["schemas"]["Error"], data)]

    def _check_batch(self, request_body, data):
        """The problems of the entries' answers of a batch (data: its parsed 200 body)."""
        try:
            entries = json.loads(request_body)["requests"]
        except (ValueError, TypeError, KeyError):
            return []
        problems = []
        for i, (e, a) in enumerate(zip(entries, data["responses"])):
            where = "batch entry %d (%r)" % (i, e)
            body = b"" if a["body"] is None else json.dumps(a["body"]).encode()
            run = (isinstance(e, dict) and isinstance(e.get("method"), str) and isinstance(e.get("path"), str)
                   and e["path"].startswith("/") and a["status"] not in (400, 413))
            if not run:
                # Malformed, refused inside a batch, or not run (BATCH_MAX_RESPONSE): the Error shape.
                if a["status"] >= 400:
                    problems += self._error_shape(where, body)
                continue
            # The entry's body is the JSON value itself: as a request alone it is application/json.
            headers = {k.lower(): v for k, v in a["headers"].items()}
            if a["body"] is not None:
                headers.setdefault("content-type", "application/json")
            # The bridge decodes an entry's path as the web server decodes PATH_INFO (batch.c).
            path = urllib.parse.unquote(e["path"].split("?")[0])
            problems += ["%s: %s" % (where, p)
                         for p in self.check(e["method"], path, a["status"], headers, body)]
        return problems

    def check(self, method, path, status, headers, body, request_body=None):
        """The problems of one answer ([] when it keeps the contract).
        path: the route path (without the mount prefix and the query);
        headers: a dict with lower-case names; body: bytes; request_body:
        the request's (bytes), for the entries of a batch."""
        self.checked += 1
        method = method.upper()
        path = path.split("?")[0]
        where = "%s %s -> %d" % (method, path, status)
        if method == "OPTIONS":
            return [] if status == 204 else ["%s: OPTIONS answers 204" % where]
        if path.rstrip("/") in UNDOCUMENTED:
            return []
        found = next((t for t, r in self.paths if r.match(path)), None)
        if found is None:
            if status != 404:
                return ["%s: a path the document does not list must answer 404" % where]
            return [] if method == "HEAD" else self._error_shape(where, body)
        item = self.doc["paths"][found]
        op = item.get("get" if method == "HEAD" else method.lower())
        if op is None:
            if status != 405:
                return ["%s: a method the document does not list for %s must answer 405" % (where, found)]
            if "allow" not in headers:
                return ["%s: 405 without Allow" % where]
            return self._error_shape(where, body)
        resp = op["responses"].get(str(status))
        if resp is None:
            return ["%s: status %d is not declared for %s %s" % (where, status, method, found)]
        if "$ref" in resp:
            resp = _pointer(self.doc, resp["$ref"])
        problems = ["%s: header %s missing" % (where, h)
                    for h, spec in resp.get("headers", {}).items()
                    if spec.get("required") and h.lower() not in headers]
        if method == "HEAD":
            return problems
        content = resp.get("content", {})
        schema = content.get("application/json", {}).get("schema")
        if schema is None:
            # A body of another declared media type (text/event-stream) is not JSON to validate.
            declared = any(headers.get("content-type", "").startswith(mt) for mt in content)
            if body and not declared:
                problems.append("%s: a body where the document declares none" % where)
            return problems
        if not headers.get("content-type", "").startswith("application/json"):
            problems.append("%s: Content-Type %r" % (where, headers.get("content-type")))
        try:
            data = json.loads(body)
        except ValueError:
            return problems + ["%s: the body is not JSON: %r" % (where, body[:200])]
        problems += ["%s: the body does not match the document: %s" % (where, p)
                     for p in self._validate(schema, data)]
        if not problems and method == "POST" and found == "/api/v1/batch" and status == 200 and request_body:
            problems += self._check_batch(request_body, data)
        return problems
