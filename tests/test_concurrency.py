"""Many people signing and confirming at once: nothing lost, nothing counted twice."""

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from petition.extensions import db
from petition.signing.models import Signature, SignatureStatus
from tests.helpers import Signer, form_tokens


def test_twenty_threads_signing_and_confirming_at_once(app, smtp_sink):
    addresses = [f"person{n}@example.org" for n in range(20)]
    start = threading.Barrier(20)

    def sign(address):
        signer = Signer(app, app.test_client(), smtp_sink)
        start.wait()
        # Each person also double-submits with another spelling of the same address.
        first = signer.sign(email=address)
        second = signer.sign(email=address.upper())
        return first.status_code, second.status_code

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(sign, addresses))
    assert all(r == (303, 303) for r in results), results

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Signature)) == 20
        db.session.remove()

    links = {
        address: Signer(app, app.test_client(), smtp_sink).confirm_link(address) for address in addresses
    }
    confirm_start = threading.Barrier(40)

    def confirm(link):
        signer = Signer(app, app.test_client(), smtp_sink)
        page = signer.client.get(link)
        confirm_start.wait()
        return signer.client.post(link, data=form_tokens(page.get_data(as_text=True))).status_code

    # Every link clicked twice at the same moment (a double click on two devices).
    with ThreadPoolExecutor(40) as pool:
        codes = list(pool.map(confirm, list(links.values()) * 2))
    assert codes == [303] * 40

    with app.app_context():
        confirmed = db.session.scalar(
            select(func.count()).select_from(Signature).where(Signature.status == SignatureStatus.CONFIRMED)
        )
        db.session.remove()
    assert confirmed == 20
    assert Signer(app, app.test_client(), smtp_sink).count() == 20
