"""Media on S3-compatible object storage (AWS S3, MinIO, Cloudflare R2, Scaleway...) through
django-storages, from the environment: AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL (non-AWS),
AWS_S3_REGION_NAME, AWS_S3_CUSTOM_DOMAIN (a CDN), AWS_S3_ADDRESSING_STYLE; credentials in
AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (read by boto3). Objects are read by plain URL (covers,
og:image), no signed query string: the bucket (or the CDN) must allow anonymous GET of objects
(docs/operations.md). Tested against moto's S3 server (tests/core/test_s3_media.py)."""


def object_storage(*, env, bucket: str) -> tuple[dict, str]:
    """(the STORAGES["default"] entry, MEDIA_URL)."""
    endpoint = env("AWS_S3_ENDPOINT_URL", default="")
    domain = env("AWS_S3_CUSTOM_DOMAIN", default="")
    storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint or None,
            "region_name": env("AWS_S3_REGION_NAME", default="") or None,
            "custom_domain": domain or None,
            "querystring_auth": False,
            "file_overwrite": False,  # names are never reused, so objects may be cached for ever
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE", default="path" if endpoint else "auto"),
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    if domain:
        media_url = f"https://{domain}/"
    elif endpoint:
        media_url = f"{endpoint.rstrip('/')}/{bucket}/"
    else:
        media_url = f"https://{bucket}.s3.amazonaws.com/"
    return storage, media_url
