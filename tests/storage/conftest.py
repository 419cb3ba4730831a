"""Fixtures for the storage tests: a real S3-compatible server (moto) on a free loopback port, started by the tests
and stopped after them, and a fresh bucket for each test wired in with the settings' own STORAGES entry."""

import json
import logging
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

ROOT = Path(__file__).resolve().parent.parent.parent
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "portal-test", "AWS_SECRET_ACCESS_KEY": "portal-test-secret"}
REGION = "us-east-1"


def settings_in_subprocess(env: dict[str, str], expression: str) -> subprocess.CompletedProcess:
    """Import the test settings in a new interpreter with ``env`` added; prints ``expression`` as JSON."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({expression}, default=str))"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test", **env}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 server in a thread of this process, on 127.0.0.1 and a port the OS picked."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # a line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="module")
def s3_default_storage(s3_endpoint) -> dict:
    """STORAGES["default"] exactly as portal/settings/base.py builds it for PORTAL_STORAGE=s3."""
    result = settings_in_subprocess(
        {
            "PORTAL_STORAGE": "s3",
            "PORTAL_S3_BUCKET": "portal-placeholder",
            "PORTAL_S3_ENDPOINT_URL": s3_endpoint,
            "PORTAL_S3_REGION": REGION,
        },
        'settings.STORAGES["default"]',
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@dataclass
class Bucket:
    name: str
    client: object

    def object_names(self) -> set[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return {item["Key"] for page in pages for item in page.get("Contents", ())}

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


@pytest.fixture
def s3(s3_endpoint, s3_default_storage, settings, monkeypatch) -> Bucket:
    """A new, empty bucket that the default storage (every FileField of the portal) now writes to."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION, **_lower(CREDENTIALS))
    name = f"portal-{uuid.uuid4().hex[:16]}"
    client.create_bucket(Bucket=name)
    default = json.loads(json.dumps(s3_default_storage))
    default["OPTIONS"]["bucket_name"] = name
    settings.STORAGES = {**settings.STORAGES, "default": default}
    return Bucket(name=name, client=client)


def _lower(credentials: dict[str, str]) -> dict[str, str]:
    return {
        "aws_access_key_id": credentials["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": credentials["AWS_SECRET_ACCESS_KEY"],
    }
