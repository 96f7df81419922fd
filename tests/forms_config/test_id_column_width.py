"""A 重复表格's 身份证号码 column is wide enough for its 18 characters: its header and cells carry
col-id-number (the column type, forms_config.field_types.table), and static/css/portal.css keeps
that column's input at least 18 characters (and an X) wide, whatever the other columns need."""

import re
from pathlib import Path

from tests.support.field_types import one, stored_form

ROOT = Path(__file__).resolve().parents[2]
COLUMNS = [
    {"label": "姓名", "key": "name", "type": "text", "required": True},
    {"label": "身份证号码", "key": "id_number", "type": "id_number", "required": True},
    {"label": "证书编号", "key": "cert", "type": "text", "required": False},
    {"label": "证书有效期", "key": "valid", "type": "date", "required": False},
]


def test_the_id_number_column_is_marked_in_the_header_and_every_cell():
    fields = [one("table", "技术人员", columns=COLUMNS)]
    html = stored_form(fields, {"k": [{"name": "张三", "id_number": "11010519491231002X"}]}).as_div()
    assert re.search(r'<th scope="col" class="col-id-number">(<span[^>]*>\*</span>)?身份证号码</th>', html)
    cells = re.findall(r'<td class="([^"]+)"><input[^>]*name="f-k-\d+-id_number"', html)
    assert cells == ["col-id-number", "col-id-number"]  # the stored row and the empty one
    assert 'class="col-text"><input type="text" name="f-k-0-name"' in html


def test_the_stylesheet_keeps_that_column_18_characters_wide():
    css = (ROOT / "static/css/portal.css").read_text()
    rule = re.search(r"([^{}]*\.col-id-number input[^{}]*)\{([^}]*)\}", css)
    assert rule, "no rule for the 身份证号码 column's input"
    width = re.search(r"min-width:\s*calc\((\d+)ch \+ (\d+)px\)", rule.group(2))
    # 18 characters, one more for an X, plus the input's padding and border (2 × 4 px + 2 × 1 px).
    assert width and int(width.group(1)) >= 19 and int(width.group(2)) >= 10, rule.group(0)
