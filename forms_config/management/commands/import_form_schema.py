"""Import an application form schema (申请书表单) from a file written by `export_form_schema` or the
admin's 导出 JSON (the format and its checks: forms_config.transfer).

    manage.py import_form_schema form.json
    manage.py import_form_schema form.json --name "特种设备生产单位许可申请书（2027 版）"

Always a new draft: publish it in the admin after checking. Nothing existing is changed.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from forms_config import transfer


class Command(BaseCommand):
    help = "从 JSON 文件导入申请书表单（新建草稿，不改动已有表单）"

    def add_arguments(self, parser):
        parser.add_argument("file", help="a JSON file exported with export_form_schema or 导出 JSON")
        parser.add_argument("--name", default="", help="the new form's name (default: the file's name + （导入）)")

    def handle(self, *args, file, name="", **options):
        path = Path(file)
        try:
            with path.open("rb") as handle:
                content = handle.read(transfer.MAX_IMPORT_BYTES + 1)
        except OSError as error:
            raise CommandError(f"无法读取 {file}：{error.strerror}") from None
        try:
            schema = transfer.import_schema(transfer.load_json(content), name=name)
        except transfer.SchemaImportError as error:
            raise CommandError("未能导入：\n" + "\n".join(error.messages)) from None
        self.stdout.write(f"已导入申请书表单“{schema.title}”（id {schema.pk}），为草稿，请在管理后台检查后发布。")
