"""The S3-compatible storage selected by ``PORTAL_STORAGE=s3`` (docs/storage.md): django-storages' S3Storage with
the two guarantees the portal's file rules rest on, which the filesystem storage gives by itself.

- A stored file is never written over. Every write is a conditional PUT (``If-None-Match: *``): when the name is
  taken, even by a writer on another machine between the existence check and the PUT, the server refuses it
  (412) and the file goes under the next free name, as ``FileSystemStorage`` does with ``O_EXCL``. The code
  relies on it: ``documents.services.store_bytes`` refuses a rendition saved under another name than its
  content address, and a failed publish deletes the names it stored (``delivery.services.filestore``), which
  must be its own files and never a committed record's.
- No boto3 object is shared between threads (gthread workers): the bucket resource is kept per thread with the
  thread's own connection, each ``open()`` is a new ``S3File`` with its own spool, and a download runs in the
  request's thread (no transfer threads).
"""

from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError
from storages.backends.s3 import S3Storage as _S3Storage
from storages.utils import ReadBytesWrapper, clean_name, is_seekable

# A name refused as taken this many times in a row (each retry picks a new random suffix) is an error.
_MAX_NAME_ATTEMPTS = 20
_NAME_TAKEN = {"PreconditionFailed", "ConditionalRequestConflict"}


class S3Storage(_S3Storage):
    def __init__(self, **settings):
        settings.setdefault("transfer_config", TransferConfig(use_threads=False))
        settings["file_overwrite"] = False  # what the names taken are found by before the PUT
        super().__init__(**settings)

    @property
    def bucket(self):
        """This thread's bucket resource, made from this thread's connection (boto3 resources are not
        thread-safe; django-storages keeps one bucket for all threads)."""
        bucket = getattr(self._connections, "bucket", None)
        if bucket is None:
            bucket = self._connections.bucket = self.connection.Bucket(self.bucket_name)
        return bucket

    def _save(self, name, content):
        for _ in range(_MAX_NAME_ATTEMPTS):
            try:
                return self._put_new(name, content)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") not in _NAME_TAKEN:
                    raise
            name = self.get_available_name(name)
        raise FileExistsError(f"No free name for {name} after {_MAX_NAME_ATTEMPTS} attempts.")

    def _put_new(self, name: str, content) -> str:
        """One PUT that the server refuses (412) if an object already has the name."""
        cleaned = clean_name(name)
        key = self._normalize_name(cleaned)
        params = self._get_write_parameters(key, content)
        if is_seekable(content):
            content.seek(0)
        self.bucket.meta.client.put_object(
            Bucket=self.bucket_name, Key=key, Body=ReadBytesWrapper(content), IfNoneMatch="*", **params
        )
        return cleaned
