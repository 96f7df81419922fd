"""Field types an editor can put on an application form page.

Each type is a wagtailstreamforms `BaseField` (registered in `forms_config/wagtailstreamforms_fields.py`)
extended with what a long-lived, multi-page application needs: a stable key, a raw value that
survives invalid input, prefill from the applicant's account, a display text for printing and
the check page, and a display condition.

basic: text, number and choices; formats: 日期, 统一社会信用代码, 身份证号码, 手机号, 联系电话, 邮政编码;
region: 省市区; files: 附件; table: 重复表格; declaration: 承诺书. Their widgets are in
forms_config/widgets.py, the upload checks in forms_config/uploads.py.
"""

from .base import PREFILL_CHOICES, SchemaField

__all__ = ["PREFILL_CHOICES", "SchemaField"]
