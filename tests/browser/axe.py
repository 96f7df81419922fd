"""axe-core on every page the browser journeys load.

The vendored axe.min.js goes in as a context init script, so it reaches every page and popup of
every context without touching the page's Content-Security-Policy (init scripts are not page
scripts; the admin's CSP test keeps its real policy). On each `load` the top document asks Python
whether this page in this state was checked already, runs axe, and reports through a binding; the
Python side only records (a Playwright event handler must not call back into the page). The test
hook in conftest.py waits for runs still going and fails the test on a serious or critical
violation with rule, impact, target and URL.
"""

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
FAILING_IMPACTS = {"serious", "critical"}
# On portal pages (not Wagtail's admin, whose structure is Wagtail's) these fail at any impact:
# axe rates them "moderate", but we require headings in order, one <h1> and landmarks.
PORTAL_STRICT_RULES = {"heading-order", "page-has-heading-one", "landmark-one-main", "landmark-unique", "region"}

# Runs in every frame after axe.min.js. Only the top document starts a run: axe reaches frames
# itself. The signature tells apart states of one URL (an application's detail page before and
# after a correction notice, a form with and without errors) without checking one state twice.
RUNNER = """
(() => {
  if (window.top !== window) return;
  window.__axeState = 'waiting';
  const signature = () => {
    const parts = new Set();
    for (const element of document.body ? document.body.querySelectorAll('*') : []) {
      const role = element.getAttribute('role') || '';
      parts.add(element.tagName + '.' + (element.getAttribute('class') || '') + '#' + role);
    }
    return [...parts].sort().join('|');
  };
  const run = async () => {
    const skip = document.documentElement.dataset.axe === 'skip';
    const served = location.protocol === 'http:' || location.protocol === 'https:';
    if (!served || document.contentType !== 'text/html' || !window.__axeReport || skip) {
      window.__axeState = 'done';
      return;
    }
    window.__axeState = 'running';
    try {
      const key = await window.__axeKey(location.href, signature());
      if (key) {
        const results = await window.axe.run(document, {resultTypes: ['violations']});
        await window.__axeReport(key, location.href, results.violations.map((v) => ({
          id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.map((n) => ({target: n.target.join(' '), html: n.html.slice(0, 200), impact: n.impact})),
        })));
      }
    } finally {
      window.__axeState = 'done';
    }
  };
  window.addEventListener('load', () => setTimeout(run, 0), {once: true});
})();
"""

# A page without the runner (about:blank, a PDF viewer) has nothing to wait for.
DONE = "() => window.__axeState === undefined || window.__axeState === 'done'"

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

# Violations in the Wagtail admin's own chrome that we cannot fix from our templates. Each entry:
# (rule id, a regex the node's selector or markup must match, why). Our admin templates
# (templates/workflows/admin/, templates/wagtailadmin/ overrides) are checked like portal pages.
WAGTAIL_EXCLUSIONS = [
    (
        "aria-input-field-name",
        r"public-DraftEditor-content",
        "Draftail's rich-text editor (Wagtail's page editor, e.g. a licence item's body): its contenteditable "
        "textbox is named by its panel heading only through Wagtail's own markup, which no template of ours renders",
    ),
    (
        "color-contrast",
        r'^(\.messages|\.success|\.warning|\.error|\.info)|^<li class="(success|warning|error|info)',
        "Wagtail's flash messages fade in (core.css: .messages>ul opacity 0 → 1 over 0.5 s); axe measures the colours "
        "mid-transition when it runs right after the page load. Settled, they pass (Wagtail's own palette)",
    ),
]


def normalised_path(url):
    """/applications/<uuid>/pages/3/ and /applications/<other uuid>/pages/3/ are one page."""
    path = urlsplit(url).path
    return re.sub(r"/\d+/", "/<n>/", UUID.sub("<uuid>", path))


def excluded(url, rule, node):
    """The reason a violation is Wagtail's own and excluded, matched on the node's selector or its
    markup (axe names a node by its shortest unique selector, often a class Wagtail generates)."""
    if not urlsplit(url).path.startswith("/admin/"):
        return None
    for rule_id, pattern, reason in WAGTAIL_EXCLUSIONS:
        if rule == rule_id and (re.search(pattern, node["target"]) or re.search(pattern, node["html"])):
            return reason
    return None


@dataclass
class Violation:
    url: str
    rule: str
    impact: str
    help: str
    target: str
    html: str

    def __str__(self):
        return f"{self.impact} {self.rule} ({self.help}) at {self.target} on {self.url}\n    {self.html}"


@dataclass
class AxeAudit:
    """One per session: the pages checked so far (by path and signature) and the violations of
    the running test."""

    checked: set = field(default_factory=set)
    violations: list = field(default_factory=list)
    contexts: list = field(default_factory=list)

    def attach(self, context):
        context.add_init_script(AXE_SOURCE)
        context.add_init_script(RUNNER)
        context.expose_binding("__axeKey", self._key)
        context.expose_binding("__axeReport", self._report)
        original_close = context.close

        def close(**kwargs):
            self.drain(context)
            original_close(**kwargs)

        context.close = close
        self.contexts.append(context)
        return context

    def _key(self, source, url, signature):
        # S324: a short cache key for pages already checked, not security.
        key = f"{normalised_path(url)} {hashlib.sha1(signature.encode()).hexdigest()[:12]}"  # noqa: S324
        return None if key in self.checked else key

    def _report(self, source, key, url, violations):
        self.checked.add(key)
        portal = not urlsplit(url).path.startswith("/admin/")
        for violation in violations:
            strict = portal and violation["id"] in PORTAL_STRICT_RULES
            if violation["impact"] not in FAILING_IMPACTS and not strict:
                continue
            for node in violation["nodes"]:
                if excluded(url, violation["id"], node):
                    continue
                self.violations.append(
                    Violation(
                        url,
                        violation["id"],
                        node["impact"] or violation["impact"],
                        violation["help"],
                        node["target"],
                        node["html"],
                    )
                )

    def drain(self, context):
        """Wait for the runs of the context's open pages (each page's `load` started one)."""
        for page in context.pages:
            if page.is_closed():
                continue
            for _ in range(3):  # a run can be cut short by a navigation: then wait for the next page's
                try:
                    page.wait_for_load_state("load", timeout=10_000)
                    page.wait_for_function(DONE, timeout=15_000)
                    break
                except Exception:  # noqa: BLE001 - navigated away or closed meanwhile: try the new document
                    if page.is_closed():
                        break

    def discard(self):
        self.contexts.clear()
        self.violations = []

    def finish_test(self):
        for context in self.contexts:
            try:
                if context.pages:
                    self.drain(context)
            except Exception:  # noqa: BLE001, S110 - the context was closed by the test
                pass
        self.contexts.clear()
        found, self.violations = self.violations, []
        unique = {(v.url, v.rule, v.target): v for v in found}
        return list(unique.values())
