"""Reading responses: the Content-Security-Policy header, the scripts a page would run."""

from html.parser import HTMLParser


def csp(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    policy = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        policy[name] = sources
    return policy


DATA_TYPES = {"application/json", "application/ld+json"}


class ScriptScan(HTMLParser):
    """Executable inline scripts, inline event handlers and javascript: URLs in a page, and the
    data-admin-init blocks that replace Wagtail's inline scripts."""

    def __init__(self):
        super().__init__()
        self.problems = []
        self.init_blocks = []  # [name, JSON text]
        self._block = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            kind = (attributes.get("type") or "").strip().lower()
            if "src" not in attributes and kind not in DATA_TYPES:
                self.problems.append(f"inline <script> at line {self.getpos()[0]}")
            if "data-admin-init" in attributes:
                self._block = [attributes["data-admin-init"], ""]
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            url = (value or "").strip().lower()
            if name in ("href", "src", "action", "formaction") and url.startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:...>")

    def handle_data(self, data):
        if self._block is not None:
            self._block[1] += data

    def handle_endtag(self, tag):
        if tag == "script" and self._block is not None:
            self.init_blocks.append(self._block)
            self._block = None


def scan(response):
    assert response.status_code == 200, response.status_code
    parser = ScriptScan()
    parser.feed(response.content.decode())
    return parser
