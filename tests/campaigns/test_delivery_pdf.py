"""The petition as a PDF (campaigns.services.delivery_pdf): a valid file with a title page and the
signatures, read back with pypdf; private signers are "Anonymous"; Arabic names come out shaped
(joined letters, right to left); the organizer downloads it and the delivery email attaches the
format they picked."""

import io

import pytest
from django.core import mail
from django.core.cache import cache
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from campaigns.models import PetitionDelivery
from campaigns.services.delivery import decision_maker_add, petition_deliver, petition_pdf
from campaigns.services.signatures import signature_confirm, signature_confirm_token, signature_create
from causeweb.core import checks
from causeweb.core.exceptions import ValidationError
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ARABIC_NAME = "فاطمة الزهراء"
ARABIC_COMMENT = "نحن نحب الأشجار"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _sign(campaign, name, email, *, public=True, comment=""):
    signature = signature_create(campaign=campaign, name=name, email=email, is_public=public, comment=comment)
    signature_confirm(token=signature_confirm_token(signature))
    return signature


def _read(data: bytes) -> tuple[PdfReader, str]:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def signed(campaign, user):
    decision_maker_add(campaign=campaign, actor=user, name="Carlos Moedas", role="Mayor of Lisbon")
    _sign(campaign, "Ana Public", "ana@example.org", comment="For my kids")
    _sign(campaign, "Secret Sam", "sam@example.org", public=False, comment="Please act")
    _sign(campaign, ARABIC_NAME, "fatima@example.org", comment=ARABIC_COMMENT)
    signature_create(campaign=campaign, name="Not Yet Confirmed", email="later@example.org")
    return campaign


def test_the_pdf_has_a_title_page_and_the_signatures(signed):
    reader, text = _read(petition_pdf(campaign=signed))
    assert len(reader.pages) == 2  # the title page, then one page of three signatures
    title_page = reader.pages[0].extract_text()
    assert signed.title in title_page and "Carlos Moedas, Mayor of Lisbon" in title_page
    assert "3 signatures" in title_page and signed.summary in title_page
    assert "Ana Public" in text and "For my kids" in text


def test_the_pdf_respects_anonymity_and_holds_no_addresses(signed):
    _, text = _read(petition_pdf(campaign=signed))
    assert "Anonymous" in text and "Please act" in text
    assert "Secret Sam" not in text and "Not Yet Confirmed" not in text and "@example.org" not in text


def _embedded_glyph_names(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            for descendant in font.get_object().get("/DescendantFonts", []):
                data = descendant.get_object()["/FontDescriptor"]["/FontFile2"].get_data()
                names.update(TTFont(io.BytesIO(data)).getGlyphOrder())
    return names


def test_arabic_names_are_shaped_right_to_left(signed):
    reader, text = _read(petition_pdf(campaign=signed))
    # Drawn right to left, the text reads back in its logical order (unshaped, fpdf2 would lay the
    # letters out left to right and it would read back reversed)...
    assert ARABIC_NAME in text and ARABIC_COMMENT in text
    # ...and the letters are joined: HarfBuzz picked the contextual forms (initial, medial, final:
    # glyphs uniFExx of DejaVu Sans), which no unshaped text ever uses.
    joined = {name for name in _embedded_glyph_names(reader) if name.startswith("uniFE")}
    assert len(joined) >= 5, joined


def test_many_signatures_flow_onto_more_pages(campaign):
    for n in range(120):
        _sign(campaign, f"Signer {n}", f"s{n}@example.org", comment="A comment long enough to take a line. " * 2)
    reader, text = _read(petition_pdf(campaign=campaign))
    assert len(reader.pages) >= 4 and "Signer 119" in text


def test_the_organizer_downloads_the_pdf_and_nobody_else(client, signed, user):
    url = f"/campaigns/{signed.slug}/delivery/petition.pdf"
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f'filename="petition-{signed.slug}.pdf"' in response["Content-Disposition"]
    _, text = _read(response.content)
    assert "Anonymous" in text and "Secret Sam" not in text
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page


@pytest.mark.parametrize(
    "file_format, attached",
    [("pdf", ["application/pdf"]), ("csv", ["text/csv"]), ("both", ["application/pdf", "text/csv"])],
)
def test_the_email_attaches_the_format_the_organizer_picked(
    client, signed, user, django_capture_on_commit_callbacks, file_format, attached
):
    mayor = signed.decision_makers.get()
    mayor.email = "mayor@example.org"
    mayor.save()
    client.force_login(user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/campaigns/{signed.slug}/delivery/{mayor.pk}/deliver/", {"note": "", "file_format": file_format}
        )
    assert response.status_code == 302
    [email] = mail.outbox
    assert [mimetype for _, _, mimetype in email.attachments] == attached
    for filename, content, mimetype in email.attachments:
        if mimetype == "application/pdf":
            assert filename == f"petition-{signed.slug}.pdf"
            _, text = _read(content)
            assert "Anonymous" in text and "Secret Sam" not in text
    assert PetitionDelivery.objects.get().file_format == file_format


def test_an_unknown_format_is_refused(signed, user):
    with pytest.raises(ValidationError):
        petition_deliver(campaign=signed, decision_maker=signed.decision_makers.get(), actor=user, file_format="docx")
    assert not PetitionDelivery.objects.exists()


def test_the_delivery_page_offers_both_downloads_and_the_choice(client, signed, user):
    mayor = signed.decision_makers.get()
    mayor.email = "mayor@example.org"
    mayor.save()
    client.force_login(user)
    html = client.get(f"/campaigns/{signed.slug}/delivery/").content.decode()
    assert "petition.pdf" in html and "petition.csv" in html
    assert 'name="file_format" value="pdf" checked' in html and 'value="both"' in html


def test_a_missing_font_is_a_system_check_warning(monkeypatch):
    assert checks.check_unicode_font(None) == []
    monkeypatch.setattr(checks, "font_path", lambda bold=False: None)
    assert [warning.id for warning in checks.check_unicode_font(None)] == ["causeweb.W011"]
