"""Every kind of mail, in every language, through SpamAssassin's local tests (no network rules)."""

import mailbox
import os
import re
import shutil
import subprocess

import pytest

from tests.mail_kinds import every_kind_of_mail

pytestmark = pytest.mark.spamassassin

SPAMASSASSIN = shutil.which("spamassassin")
MAX_SCORE = 2.0
STATUS = re.compile(r"^X-Spam-Status: \w+, score=(-?[\d.]+).*?tests=(.*?)(?: autolearn|$)", re.M | re.S)


def scores(messages: list, tmp_path) -> list[tuple[float, str]]:
    """(score, rules hit) per message, from one `spamassassin -t -L` run over an mbox."""
    box = mailbox.mbox(tmp_path / "mail.mbox")
    for message in messages:
        box.add(message.wire)
    box.close()
    report = subprocess.run(
        [SPAMASSASSIN, "-t", "-L", "--mbox", str(tmp_path / "mail.mbox")],
        capture_output=True,
        timeout=300,
        check=True,
    ).stdout.decode("utf-8", "replace")  # the report quotes bodies cut at any byte
    found = [(float(score), " ".join(rules.split())) for score, rules in STATUS.findall(report)]
    assert len(found) == len(messages), report[-2000:]
    return found


@pytest.mark.skipif(
    SPAMASSASSIN is None and os.environ.get("REQUIRE_SPAMASSASSIN") != "1",
    reason="spamassassin is not installed (scripts/test installs Debian's package)",
)
@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_no_mail_looks_like_spam(app, signer, staff, smtp_sink, tmp_path, lang):
    mails = every_kind_of_mail(app, signer, staff, smtp_sink, lang)
    results = dict(zip(mails, scores(list(mails.values()), tmp_path), strict=True))
    print(lang, {kind: score for kind, (score, _) in results.items()})
    too_high = {kind: found for kind, found in results.items() if found[0] > MAX_SCORE}
    assert not too_high, too_high
