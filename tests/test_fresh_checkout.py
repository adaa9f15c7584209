"""Starting the site on a fresh checkout, with nothing under instance/ yet."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The site started as `python app.py` would start it, with its instance/ folder moved elsewhere.
START = """
import sys
from pathlib import Path
from petition import config
config.INSTANCE = Path(sys.argv[1])
from petition import create_app
app = create_app()
print(app.test_client().get("/petitions/kleema").status_code)
"""


def _start(instance: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DATABASE_URL", "MAIL_URL", "REDIS_URL", "SECRET_KEY", "PRODUCTION", "AUTO_SETUP")
    }
    return subprocess.run(
        [sys.executable, "-c", START, str(instance)],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_secret_alone_starts_the_site_on_a_fresh_checkout(tmp_path):
    instance = tmp_path / "instance"
    started = _start(
        instance, SECRET_KEY="a-long-enough-secret-for-a-development-machine", PRODUCTION="false"
    )
    assert started.returncode == 0, started.stderr[-2000:]
    assert started.stdout.split()[-1] == "200"
    assert (instance / "kleema.db").is_file()
    assert (instance / "mail").is_dir()
    assert not (instance / "dev-secret-key").exists()


def test_a_sqlite_file_in_a_folder_that_does_not_exist_yet(tmp_path):
    database = tmp_path / "data" / "site" / "kleema.db"
    started = _start(
        tmp_path / "instance",
        SECRET_KEY="a-long-enough-secret-for-a-development-machine",
        PRODUCTION="false",
        DATABASE_URL=f"sqlite:///{database}",
        AUTO_SETUP="true",
        MAIL_URL=f"file://{tmp_path / 'outgoing' / 'mail'}",
    )
    assert started.returncode == 0, started.stderr[-2000:]
    assert database.is_file()
    assert (tmp_path / "outgoing" / "mail").is_dir()
