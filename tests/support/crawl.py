"""A crawler for English left in the Chinese UI (tests/test_no_english_in_chinese_pages.py).

`crawl(client, starts, ...)` walks a logged-in user's pages with the Django test client, breadth
first, GET only: from the start pages it follows every same-site link (`a[href]` of the menus and page
bodies, and the menu URLs of the Wagtail sidebar, which the admin draws from the JSON of
`wagtail-sidebar-props`). It reads what a user sees on each HTML page (`visible_strings`): text
outside script/style/template, the attributes a browser shows (placeholder, title, aria-label, alt,
a button's value, our confirmation text) and the labels of the JSON the admin renders client-side
(the sidebar's menu, the form panels' block definitions). `latin_words` finds every run of two or
more Latin letters in those strings that is not allowed, after the fixture's own values (usernames,
e-mail addresses, ...) are masked, so a failure lists each word with the pages it was seen on.

Each URL name is visited at most `per_name` times (a listing's hundred edit links are one screen),
except the links of the `thorough` pages (an application's detail page in each state: every action
form it links to). Query strings are dropped: sorting, filtering and paging show the same words.
"""

import json
import re
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.html
from django.urls import Resolver404, resolve

# A word stands alone: letters glued to digits are a code (a 统一社会信用代码 ending in XR, an ID
# number's X, a licence number TS2111…), data the fixtures generate, not a word of the interface.
LATIN_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2,}(?![A-Za-z0-9])")
# Addresses are typed, not read: a URL, an e-mail address, a path such as /applications/ in a help text.
ADDRESS = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w/])/(?:[\w.-]+/)+")

# What a browser shows of an element besides its text.
SHOWN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt", "data-confirm", "aria-description")
BUTTON_INPUT_TYPES = {"submit", "button", "reset"}
# An iframe's own text is never shown (Wagtail's preview iframe holds a placeholder <div>).
INVISIBLE_ELEMENTS = {"script", "style", "template", "iframe"}
# A hidden element whose content its script replaces before showing it: Wagtail's side-panel counter
# (the number of problems of 检查 or comments) renders "None" until then.
SCRIPT_FILLED = "data-side-panel-toggle-counter"
# What is typed rather than read: keys (Ctrl + s), code and scopes on the API page (applications:read).
TYPED_ELEMENTS = {"kbd", "code", "samp"}
# The keys of the admin's client-side JSON whose values are shown as text.
SHOWN_JSON_KEYS = {"label", "title", "text", "help_text", "helpText", "description", "placeholder", "heading"}

# URL names never requested: logging out, switching the language, downloads (no HTML), and the one
# GET that changes something by design (opening a notification marks it read, then redirects to
# its link, which the crawl reaches from the page anyway).
SKIPPED_URL_NAMES = {
    "set_language",
    "logout",
    "wagtailadmin_logout",
    "applications:notification",
    "applications:document",
    "applications:attachment",
    "applications:items_table",
    "licensing:attachment",
    "licensing:document",
    "licensing:review_file",
    "licensing:rectification_report",
    "wagtaildocs_serve",
    "wagtailimages_serve",
    "wagtailadmin_account_change_language",
}
SKIPPED_EXTENSIONS = re.compile(r"\.(pdf|csv|xlsx?|zip|png|jpe?g|gif|svg|webp|ico|docx?|txt|xml|json)$", re.I)
SKIPPED_PREFIXES = ("/static/", "/media/", "/i18n/", "/api/")


@dataclass
class Finding:
    word: str
    url: str
    context: str


@dataclass
class CrawlReport:
    visited: list = field(default_factory=list)
    findings: list = field(default_factory=list)  # Finding
    errors: list = field(default_factory=list)  # (url, what went wrong)

    def words(self):
        """{word: sorted URLs}"""
        by_word = {}
        for finding in self.findings:
            by_word.setdefault(finding.word, set()).add(finding.url)
        return {word: sorted(urls) for word, urls in sorted(by_word.items())}

    def summary(self, limit=60):
        """The failure message: each word, where it was seen first, in what text, and on how many pages."""
        lines = []
        first = {}
        for finding in self.findings:
            first.setdefault(finding.word, finding)
        for word, urls in list(self.words().items())[:limit]:
            seen = first[word]
            lines.append(f"  {word!r} on {len(urls)} page(s), e.g. {seen.url} in {seen.context}")
        if len(self.words()) > limit:
            lines.append(f"  … and {len(self.words()) - limit} more words")
        for url, problem in self.errors:
            lines.append(f"  error: {url}: {problem}")
        return "\n".join(lines)


# --- what a user sees ----------------------------------------------------------------------------
def _json_strings(value, strings, urls):
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str):
                if key in SHOWN_JSON_KEYS:
                    strings.append(item)
                elif key == "url" and item.startswith("/"):
                    urls.append(item)
            else:
                _json_strings(item, strings, urls)
    elif isinstance(value, list):
        for item in value:
            _json_strings(item, strings, urls)


def _html_text(fragment):
    """The text of an HTML fragment found in JSON (a help text or label may carry markup)."""
    if "<" not in fragment:
        return fragment
    try:
        return lxml.html.fragment_fromstring(fragment, create_parent="div").text_content()
    except (lxml.etree.ParserError, ValueError):
        return fragment


def _json_texts(raw, where, urls):
    try:
        data = json.loads(raw or "null")
    except ValueError:
        return []
    found = []
    _json_strings(data, found, urls)
    return [(where, _html_text(text)) for text in found]


def _name(element):
    return f"<{element.tag}{'#' + element.get('id') if element.get('id') else ''}>"


def read_page(html):
    """([(where, shown text)], link URLs) of an HTML page; `where` names the element (and attribute)."""
    document = lxml.html.document_fromstring(html)
    texts, urls = [], []
    hidden = set()  # elements whose own text is not shown: script, style, template, kbd, code, samp
    for element in document.iter():
        parent = element.getparent()
        if parent is not None and parent in hidden:
            hidden.add(element)
        if not isinstance(element.tag, str):  # comments, processing instructions: only their tail shows
            if element.tail and parent is not None and parent not in hidden:
                texts.append((_name(parent), element.tail))
            continue
        tag = element.tag.lower()
        if element.tail and parent is not None and parent not in hidden:
            texts.append((_name(parent), element.tail))
        if tag in INVISIBLE_ELEMENTS or tag in TYPED_ELEMENTS or element.get(SCRIPT_FILLED) is not None:
            hidden.add(element)
        if tag == "script" and (element.get("type") or "").endswith("json"):
            texts.extend(_json_texts(element.text, f"JSON of {_name(element)}", urls))
        if element in hidden:
            continue
        if element.text:
            texts.append((_name(element), element.text))
        for attribute in SHOWN_ATTRIBUTES:
            if element.get(attribute):
                texts.append((f"{_name(element)} {attribute}", element.get(attribute)))
        if tag == "input" and (element.get("type") or "").lower() in BUTTON_INPUT_TYPES and element.get("value"):
            texts.append((f"{_name(element)} value", element.get("value")))
        for name, value in element.attrib.items():
            # Block definitions and other client-rendered widgets' labels (data-w-…-value="{…}").
            if name.startswith("data-") and value[:1] in "{[" and name not in SHOWN_ATTRIBUTES:
                texts.extend(_json_texts(value, f"JSON of {_name(element)} {name}", []))
        if tag == "a" and element.get("href"):
            urls.append(element.get("href"))
    return [(where, " ".join(text.split())) for where, text in texts if text and text.strip()], urls


def latin_words(text, allowed, masks=()):
    """The runs of 2+ Latin letters in `text` that are not in `allowed` (compared exactly), once the
    `masks` (fixture values such as usernames) are blanked out."""
    for mask in masks:
        if mask and mask in text:
            text = text.replace(mask, " ")
    text = ADDRESS.sub(" ", text)
    return [word for word in LATIN_WORD.findall(text) if word not in allowed]


# --- where to go ---------------------------------------------------------------------------------
def _url_name(path):
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def local_path(href, base):
    """The path of a same-site link, or None for another site, an anchor, mailto: and the like."""
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    parts = urlsplit(urljoin(base, href))
    if parts.scheme not in ("http", "https", "") or parts.netloc not in ("", "testserver"):
        return None
    return parts.path or "/"


def skipped(path):
    if path.startswith(SKIPPED_PREFIXES) or SKIPPED_EXTENSIONS.search(path):
        return True
    name = _url_name(path)
    return name is None or name in SKIPPED_URL_NAMES


def crawl(client, starts, *, allowed, masks=(), thorough=(), per_name=3, limit=400):
    """Visit the pages reachable from `starts` (paths), breadth first; see the module docstring."""
    report = CrawlReport()
    queue = deque((path, True) for path in starts)
    seen = set()
    per_name_count = {}
    thorough = set(thorough)
    while queue and len(report.visited) < limit:
        path, forced = queue.popleft()
        if path in seen or skipped(path):
            continue
        name = _url_name(path)
        if not forced and per_name_count.get(name, 0) >= per_name:
            continue
        seen.add(path)
        per_name_count[name] = per_name_count.get(name, 0) + 1
        try:
            response = client.get(path)
        except Exception as error:  # an exception is a 500 for the user: report it with its page
            report.errors.append((path, f"{type(error).__name__}: {error}"))
            continue
        report.visited.append(path)
        if response.status_code in (301, 302, 303, 307, 308):
            target = local_path(response["Location"], path)
            if target:
                queue.append((target, forced))
            continue
        if response.status_code >= 500:
            report.errors.append((path, f"status {response.status_code}"))
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        texts, links = read_page(response.content.decode(response.charset or "utf-8"))
        for where, text in texts:
            for word in latin_words(text, allowed, masks):
                report.findings.append(Finding(word, path, f"{where}: {text[:120]}"))
        follow_all = path in thorough
        for href in links:
            target = local_path(href, path)
            if target and target not in seen:
                queue.append((target, follow_all))
    return report
