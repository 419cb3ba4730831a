"""The storage settings: selected by environment alone, and refused with the reason when they cannot work."""

import pytest

from .conftest import settings_in_subprocess


def test_the_default_storage_is_the_filesystem_and_downloads_are_streamed_by_the_portal(settings):
    assert settings.PORTAL_STORAGE == "filesystem"
    assert settings.STORAGES["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert settings.PORTAL_DOWNLOAD_ACCEL_PREFIX == ""


def test_s3_is_private_unsigned_and_never_overwrites():
    result = settings_in_subprocess(
        {"PORTAL_STORAGE": "s3", "PORTAL_S3_BUCKET": "b", "PORTAL_S3_ENDPOINT_URL": "", "PORTAL_S3_REGION": ""},
        'settings.STORAGES["default"]',
    )
    assert result.returncode == 0, result.stderr
    assert '"portal.storage.S3Storage"' in result.stdout
    for option in ('"default_acl": "private"', '"querystring_auth": false', '"file_overwrite": false'):
        assert option in result.stdout
    assert '"endpoint_url": null' in result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PORTAL_STORAGE": "nfs"}, "it is 'filesystem' or 's3'"),
        ({"PORTAL_STORAGE": "s3", "PORTAL_S3_BUCKET": ""}, "needs PORTAL_S3_BUCKET"),
        ({"PORTAL_DOWNLOAD_ACCEL_PREFIX": "_protected"}, "starts and ends with '/'"),
    ],
)
def test_unusable_storage_settings_are_refused_naming_the_setting(env, message):
    result = settings_in_subprocess(env, "1")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr
