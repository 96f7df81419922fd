"""An upload kept in memory only, for checks that store nothing (核验文件 on 许可证查询, the API's
documents/verify/): Django writes files over FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file on
disk; this handler never does, and keeps at most `limit` + 1 bytes for the whole request, so an
oversize upload costs no more memory than the limit and is still seen as too large by the size check.

Install it before the request body is read: `request.upload_handlers = [BoundedMemoryUploadHandler(
request, limit)]` in a view exempt from CSRF's middleware, which then checks the token itself
(django.views.decorators.csrf.csrf_protect on the inner function), as Django's documentation says.
"""

import io

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers


class BoundedMemoryUploadHandler(FileUploadHandler):
    def __init__(self, request=None, limit=0):
        super().__init__(request)
        self.limit = limit
        self.kept = 0  # bytes kept for every file of the request together

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()
        raise StopFutureHandlers()

    def receive_data_chunk(self, raw_data, start):
        room = self.limit + 1 - self.kept
        if room > 0:
            kept = raw_data[:room]
            self.buffer.write(kept)
            self.kept += len(kept)
        return None  # the rest is dropped: the file is already too large

    def file_complete(self, file_size):
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.buffer.getbuffer().nbytes,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
