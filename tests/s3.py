"""A real S3-compatible server on 127.0.0.1 for the tests and the multi-server check: moto's server mode,
run in a thread of this process. Stopping it and starting it again on the same port keeps the buckets (moto
keeps them in this process's memory), as a storage service that went away for a while would."""

import json
import logging
import uuid

import boto3
from moto.server import ThreadedMotoServer

ACCESS_KEY = "causerie-test"
SECRET_KEY = "causerie-test-secret"
REGION = "us-east-1"


class S3Server:
    def __init__(self, port=0):
        self.port = port
        self.server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line for every request otherwise
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.server.start()
        self.port = self.server.get_host_and_port()[1]
        return self

    def stop(self):
        if self.server is not None:
            self.server.stop()
            self.server = None

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def new_bucket(self):
        name = f"causerie-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def make_public(self, bucket):
        """Let anyone read the bucket's files, as the README's policy for a public bucket does."""
        statement = {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{bucket}/*",
        }
        self.client().put_bucket_policy(
            Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]})
        )

    def keys(self, bucket):
        listing = self.client().list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, bucket, key):
        return self.client().get_object(Bucket=bucket, Key=key)["Body"].read()

    def storage_options(self, bucket, **options):
        """STORAGES["default"] for a bucket of this server, as settings.py builds it from the environment."""
        return {
            "BACKEND": "config.media.MediaStorage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": self.endpoint,
                "region_name": REGION,
                "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY,
                "location": "",
                "querystring_expire": 3600,
                "signed_urls": True,
                **options,
            },
        }
