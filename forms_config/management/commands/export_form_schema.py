"""Export an application form schema (申请书表单) as a JSON file, for `import_form_schema` on another
site (the format: forms_config.transfer).

    manage.py export_form_schema 3 -o form.json
    manage.py export_form_schema 3 --live > published.json

By default the latest content (an unpublished draft included), as the admin's 导出 JSON gives it.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from forms_config import transfer
from forms_config.models import ApplicationFormSchema


class Command(BaseCommand):
    help = "导出申请书表单为 JSON 文件（可在其他站点用 import_form_schema 导入）"

    def add_arguments(self, parser):
        parser.add_argument("schema_id", type=int, help="the form schema's id (in its admin URL)")
        parser.add_argument("-o", "--output", help="file to write (default: stdout)")
        parser.add_argument("--live", action="store_true", help="the published content, not the latest draft")

    def handle(self, *args, schema_id, output=None, live=False, **options):
        schema = ApplicationFormSchema.objects.filter(pk=schema_id).first()
        if schema is None:
            raise CommandError(f"申请书表单 {schema_id} 不存在。")
        try:
            text = transfer.dumps(transfer.export_schema(schema, live=live))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"已导出“{schema.title}”到 {output}。")
        else:
            self.stdout.write(text, ending="")
