"""No value makes a field type fail with a server error: stored raw values can be any JSON (or
worse), a POST any strings. Every field answers with Chinese messages, renders and displays."""

import json
import re

import pytest
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtailstreamforms.fields import get_fields

from tests.support.field_types import all_fields, post_names, query_dict, schema_of

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")
NASTY = [
    None,
    "",
    " ",
    "x" * 100_000,
    "１２３４５６",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "%(label)s %s %d %",
    "\x00\x01\u202e\ufeff",
    "110105",
    "NaN",
    "Infinity",
    "-0",
    "1e999",
    True,
    False,
    0,
    -1,
    10**30,
    1.5,
    float("nan"),
    [],
    [None],
    ["110105"],
    [{"id": "x"}],
    [{"id": "x", "name": "../../etc/passwd", "size": -1}],
    [{"name": {"a": 1}}],
    {},
    {"f-k": "1"},
    [[[[]]]],
]


def check_everything(data):
    schema = schema_of(*all_fields())
    form = schema.page_form(schema.page(1), data)
    form.is_valid()
    for messages in form.errors.values():
        for message in messages:
            assert isinstance(message, str) and CHINESE.search(message), message
    html = form.as_div()
    assert "<script>alert" not in html
    for key, spec in schema.fields_by_key.items():
        raw = data.get(key)
        assert isinstance(spec.display(raw), str)
        spec.field_type.matches(raw, "是")
        spec.field_type.is_empty(raw)
        if hasattr(spec.field_type, "masked_display"):
            assert isinstance(spec.field_type.masked_display(spec.value, raw), str)
        if hasattr(spec.field_type, "rows_for_display"):
            spec.field_type.rows_for_display(spec.value, raw)
    schema.problems(data)


@pytest.mark.parametrize("value", NASTY, ids=lambda v: repr(v)[:30])
def test_nasty_stored_values(value):
    check_everything({f"k_{t}": value for t in get_fields()})


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=10,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.fixed_dictionaries({}, optional={f"k_{t}": json_values for t in get_fields()}))
def test_any_stored_json(data):
    check_everything(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(post_names()), st.lists(st.text(max_size=30), min_size=1, max_size=3)))
def test_any_post(pairs):
    schema = schema_of(*all_fields())
    form = schema.page_form(schema.page(1), {})
    raw = form.raw_from_post(query_dict(pairs), MultiValueDict())
    json.dumps(raw)  # storable
    check_everything(raw)


@pytest.mark.parametrize("value", [s for s in NASTY if isinstance(s, str)], ids=lambda v: repr(v)[:30])
def test_nasty_strings_in_every_post_control(value):
    schema = schema_of(*all_fields())
    form = schema.page_form(schema.page(1), {})
    pairs = {name: value for name in post_names()}
    pairs.update({"f-k_table-TOTAL": "3"})
    raw = form.raw_from_post(query_dict(pairs), MultiValueDict())
    json.dumps(raw)
    check_everything(raw)
