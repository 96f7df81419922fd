"""Stable field keys (字段键).

wagtailstreamforms names a form field after its label (企业名称 -> qi-ye-ming-cheng), so an editor
fixing a typo in a label would orphan every value stored under the old name. Here every field
carries its own `key`: filled in from the label the first time the form is saved and stored in
the block from then on, so later label edits leave it alone. Drafts, prefill, conditions and
printing all address a field by this key.
"""

import re

from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from unidecode import unidecode

KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
KEY_HELP = _(
    "字段键用于保存和引用填写的数据，只能包含小写字母、数字和下划线，并以字母开头。留空则保存时按标签自动生成；之后修改标签不会改变字段键。"
)
KEY_INVALID = _("字段键“%(key)s”无效：只能包含小写字母、数字和下划线，以字母开头，最长 50 个字符。")


def key_from_label(label, prefix="f"):
    """A key suggestion from a label: pinyin, lower case, underscores."""
    slug = slugify(unidecode(str(label or ""))).replace("-", "_")[:50].strip("_")
    if not slug or not slug[0].isalpha():
        slug = f"{prefix}_{slug}".strip("_")[:50]
    return slug


def unique_key(base, taken):
    """`base`, or `base_2`, `base_3`, ... whichever is not in `taken`."""
    if base not in taken:
        return base
    n = 2
    while True:
        suffix = f"_{n}"
        candidate = base[: 50 - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        n += 1
