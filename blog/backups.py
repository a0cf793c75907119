"""A backup of the whole site is a folder of two files: the database and a tar of MEDIA_ROOT (covers and
their renditions, which the database's rows name). `manage.py backup` and `manage.py restore` run the README's
plain commands with the site's own settings: pg_dump's custom format and pg_restore for PostgreSQL, SQLite's
online backup API (what the sqlite3 shell's `.backup` uses: a consistent copy while the site keeps writing),
and tar."""

import os
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection

MEDIA_FILE = "media.tar.gz"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


def back_up(folder):
    """Write the database, then the media, to `folder` (made if needed); never over an earlier backup."""
    database, media = _files(folder)
    if database.exists() or media.exists():
        raise CommandError(f"{folder} already holds a backup: give each backup a folder of its own.")
    database.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "postgresql":
        _run("pg_dump", "--format=custom", f"--file={database}", env=_libpq_environment())
    else:
        connection.ensure_connection()
        with closing(sqlite3.connect(database)) as copy:
            connection.connection.backup(copy)
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    _run("tar", "--create", "--gzip", f"--file={media}", f"--directory={media_root}", ".")
    return database, media


def restore(folder):
    """Replace the database with the one in `folder` (in one transaction on PostgreSQL) and put its media
    back into MEDIA_ROOT. Files uploaded since the backup stay: their names never clash with older ones."""
    database, media = _files(folder)
    missing = [str(path) for path in (database, media) if not path.is_file()]
    if missing:
        raise CommandError(f"Not a backup of this site's database kind: {', '.join(missing)} missing.")
    if connection.vendor == "postgresql":
        _run(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(database),
            env=_libpq_environment(),
        )
    else:
        connection.ensure_connection()
        with closing(sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)) as copy:
            copy.backup(connection.connection)
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    _run("tar", "--extract", "--gzip", f"--file={media}", f"--directory={media_root}")


def _files(folder):
    if connection.vendor not in DATABASE_FILES:
        raise CommandError(f"Backups know PostgreSQL and SQLite, not {connection.vendor}.")
    folder = Path(folder)
    return folder / DATABASE_FILES[connection.vendor], folder / MEDIA_FILE


def _run(*command, env=None):
    try:
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise CommandError(f"{command[0]} is not installed: {error}") from error
    except subprocess.CalledProcessError as error:
        raise CommandError(f"{command[0]} failed: {error.stderr.strip()}") from error


def _libpq_environment():
    # pg_dump and pg_restore read the connection from libpq's variables: the password stays out of the
    # process list, and the database is the one the site's settings name.
    database = connection.settings_dict
    values = {
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGDATABASE": database.get("NAME"),
        "PGSSLMODE": database.get("OPTIONS", {}).get("sslmode"),
    }
    return {**os.environ, **{name: str(value) for name, value in values.items() if value}}
