"""The petition as a PDF, to hand or mail to the decision-maker (campaigns.services.delivery).

A title page (the campaign, what it asks, the decision-maker(s), how many signed, the date), then
the signatures in a table: each signer's name as they chose to be shown ("Anonymous" for a
private signer; the rows come from `delivery.petition_rows`, which never carry an email address),
the day they signed and their comment. Signatures hold no place, so the table has none.

Any language: DejaVu Sans (the font the share cards use, `causeweb.core.share_cards.font_path`)
has the Latin and Arabic glyphs, and fpdf2's text shaping (HarfBuzz through `uharfbuzz`) joins
Arabic letters and orders right-to-left text right to left; such a cell is right-aligned. The
headings are in the language active when it is drawn (the organizer's)."""

from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from fpdf import FPDF
from fpdf.enums import TableCellFillMode

from campaigns.models import Campaign
from causeweb.core.share_cards import font_path, is_right_to_left

FONT = "DejaVu"
BRAND = (11, 110, 79)  # --brand in static/css/site.css
MUTED = (90, 90, 90)


class _PetitionPDF(FPDF):
    def footer(self):
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 6, gettext("Page %(page)d") % {"page": self.page_no()}, align="C")


def _document() -> FPDF:
    regular, bold = font_path(False), font_path(True)
    if regular is None:
        raise RuntimeError("The petition PDF needs DejaVu Sans (Debian's fonts-dejavu-core).")
    pdf = _PetitionPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(15, 15, 15)
    pdf.add_font(FONT, "", regular)
    pdf.add_font(FONT, "B", bold or regular)
    pdf.set_text_shaping(True)
    pdf.set_creator("Causeweb")
    return pdf


def _align(text: str) -> str:
    return "R" if is_right_to_left(text) else "L"


def _paragraph(pdf: FPDF, text: str, *, size: float = 11, bold: bool = False, color=(0, 0, 0), gap: float = 3):
    pdf.set_font(FONT, "B" if bold else "", size=size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, size * 0.5, text, align=_align(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(gap)


def _title_page(pdf: FPDF, campaign: Campaign, *, count: int, decision_makers) -> None:
    pdf.add_page()
    _paragraph(pdf, gettext("Petition"), size=12, bold=True, color=BRAND)
    _paragraph(pdf, campaign.title, size=22, bold=True, gap=6)
    if campaign.summary:
        _paragraph(pdf, campaign.summary, size=13, gap=8)
    if decision_makers:
        _paragraph(pdf, gettext("To"), size=11, bold=True, color=MUTED, gap=1)
        for person in decision_makers:
            _paragraph(pdf, f"{person.name}, {person.role}" if person.role else person.name, gap=1)
        pdf.ln(5)
    signatures = ngettext("%(count)d signature", "%(count)d signatures", count) % {"count": count}
    _paragraph(pdf, signatures, size=16, bold=True, gap=2)
    _paragraph(
        pdf,
        gettext("Delivered on %(date)s") % {"date": formats.date_format(timezone.localdate(), "DATE_FORMAT")},
        color=MUTED,
        gap=8,
    )
    _paragraph(
        pdf,
        gettext(
            "Each signer is listed as they chose to appear on the campaign; those who asked not to be shown "
            "are listed as “Anonymous”. No email addresses are included."
        ),
        size=9,
        color=MUTED,
    )


def _signature_pages(pdf: FPDF, rows) -> None:
    pdf.add_page()
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, size=9)
    headings = (gettext("Name"), gettext("Signed on"), gettext("Comment"))
    with pdf.table(
        col_widths=(55, 25, 100),
        line_height=5,
        first_row_as_headings=True,
        cell_fill_color=(240, 246, 243),
        cell_fill_mode=TableCellFillMode.ROWS,
        repeat_headings=1,
    ) as table:
        heading = table.row()
        for text in headings:
            heading.cell(text)
        for name, comment, signed_on in rows:
            row = table.row()
            row.cell(name, align=_align(name))
            row.cell(signed_on)
            row.cell(comment, align=_align(comment))


def petition_pdf(*, campaign: Campaign, rows, decision_makers=()) -> bytes:
    """The PDF's bytes. `rows`: (name as shown, comment, ISO day signed), oldest first."""
    rows = list(rows)
    pdf = _document()
    pdf.set_title(campaign.title)
    _title_page(pdf, campaign, count=len(rows), decision_makers=list(decision_makers))
    if rows:
        _signature_pages(pdf, rows)
    return bytes(pdf.output())
