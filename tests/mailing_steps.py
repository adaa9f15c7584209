"""An admin writing to the signers through /admin/mailings, the way a browser does it."""

import re

from tests.helpers import form_tokens

TEXTS = {
    "fr": (
        "Audience du 14 septembre : ce que le juge a décidé",
        "Le juge des référés a entendu KLEEMA et Wana ce lundi. La décision sera rendue vendredi.\n\n"
        "Merci d'avoir signé : faites suivre la pétition à vos proches.",
    ),
    "ar": (
        "جلسة 14 سبتمبر: ما قرره القاضي",
        "استمع قاضي الأمور المستعجلة إلى KLEEMA و Wana يوم الاثنين. سيصدر القرار يوم الجمعة.\n\n"
        "شكرا على توقيعكم: أرسلوا العريضة إلى أقاربكم.",
    ),
    "en": (
        "Hearing of 14 September: what the judge decided",
        "The judge heard KLEEMA and Wana on Monday. The ruling comes on Friday.\n\n"
        "Thank you for signing: please forward the petition to your family.",
    ),
}


class Admin:
    """An admin logged in through the real login form, with its own browser (test client)."""

    def __init__(self, app, staff):
        self.client = app.test_client()
        self.email = staff.login(self.client, "admin")

    def page(self, path: str) -> str:
        response = self.client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response.get_data(as_text=True)

    def compose(self, languages=("fr", "ar", "en"), **fields):
        """Post the compose form; returns the response (a 303 to the new mailing's page)."""
        data = {}
        for lang in languages:
            data[f"subject_{lang}"], data[f"body_{lang}"] = TEXTS[lang]
        data.update(fields)
        html = self.page("/admin/mailings/new")
        if "petition" not in data:
            data["petition"] = re.search(
                r'<option selected value="(\d+)"|<option value="(\d+)" selected', html
            )
            data["petition"] = next(g for g in data["petition"].groups() if g)
        return self.client.post("/admin/mailings/new", data={**data, **form_tokens(html)})

    def draft(self, **kwargs) -> int:
        response = self.compose(**kwargs)
        assert response.status_code == 303, response.get_data(as_text=True)
        return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])

    def send(self, mailing_id: int):
        html = self.page(f"/admin/mailings/{mailing_id}")
        return self.client.post(f"/admin/mailings/{mailing_id}/send", data=form_tokens(html))

    def send_test(self, mailing_id: int, email: str, language: str = "fr"):
        html = self.page(f"/admin/mailings/{mailing_id}")
        return self.client.post(
            f"/admin/mailings/{mailing_id}/test",
            data={"email": email, "language": language, **form_tokens(html)},
        )
