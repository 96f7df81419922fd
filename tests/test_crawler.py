"""The crawler of tests/test_no_english_in_chinese_pages.py reads what a user sees and only that, so
the test cannot pass by reading nothing."""

import json

from tests.support.crawl import latin_words, local_path, read_page

SIDEBAR = {
    "modules": [
        {
            "_type": "wagtail.sidebar.MainMenuModule",
            "_args": [
                [
                    {
                        "_type": "wagtail.sidebar.LinkMenuItem",
                        "_args": [{"name": "forms", "label": "Forms", "url": "/admin/forms/"}],
                    }
                ]
            ],
        }
    ]
}  # noqa: E501
PAGE = f"""<!DOCTYPE html><html><head><title>Dashboard</title><style>.x {{}}</style></head><body>
<p>办理 <b>Pending</b> 申请<!-- a comment -->tail</p>
<input type="submit" value="Save"><input type="text" value="typed by the user"><button aria-label="Close">×</button>
<img alt="Logo" src="/static/x.png"><input placeholder="Enter name" title="Hint">
<kbd>Ctrl</kbd><code>applications:read</code><script>var shown = "no";</script><template><p>Later</p></template>
<div data-side-panel-toggle-counter hidden>None</div><iframe><div>fallback</div></iframe>
<script type="application/json" id="wagtail-sidebar-props">{json.dumps(SIDEBAR)}</script>
<div data-w-block-data-value='{{"label": "Fields", "help_text": "<b>Help</b> me"}}'></div>
<a href="/applications/">申请</a><a href="https://example.com/">外站</a><a href="mailto:a@b.cn">信</a>
</body></html>"""


def test_reads_text_shown_attributes_and_client_side_json_labels():
    texts, links = read_page(PAGE)
    shown = {text for _where, text in texts}
    assert {"Dashboard", "Pending", "tail", "Save", "Close", "Logo", "Enter name", "Hint"} <= shown
    assert {"Forms", "Fields", "Help me"} <= shown  # the sidebar's and a block definition's labels
    assert not {"typed by the user", "Ctrl", "applications:read", "Later", "None", "fallback"} & shown
    assert not any("shown" in text or ".x" in text for text in shown)
    assert "/admin/forms/" in links and "/applications/" in links


def test_each_text_says_where_it_is():
    texts, _links = read_page(PAGE)
    assert ("<button> aria-label", "Close") in texts
    assert ("JSON of <script#wagtail-sidebar-props>", "Forms") in texts


def test_latin_words_skip_allowed_words_masks_and_addresses():
    text = "请上传 PDF 文件，用户 qiye01，见 https://example.com/a 或 /applications/new/，邮件 a@b.cn；Not allowed"
    assert latin_words(text, allowed={"PDF"}, masks=["qiye01"]) == ["Not", "allowed"]


def test_codes_with_letters_are_data_not_words():
    # A 统一社会信用代码 ending in letters, an ID number's X, a licence number: generated data.
    text = "信用代码 9111010500000671XR，身份证 11010519900101123X，编号 TS2111001-2030；Save 按钮"
    assert latin_words(text, allowed=set(), masks=[]) == ["Save"]


def test_only_same_site_links_are_followed():
    assert local_path("/admin/?q=1#top", "/admin/") == "/admin/"
    assert local_path("edit/", "/admin/pages/3/") == "/admin/pages/3/edit/"
    assert local_path("http://testserver/accounts/my/", "/") == "/accounts/my/"
    assert local_path("https://example.com/", "/") is None
    assert local_path("#main", "/") is None
