from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from causeweb.core.money import parse_amount
from causeweb.core.validators import validate_single_line
from fundraising import l10n, rules
from fundraising.models import Donation


class DonationForm(forms.Form):
    """Parses what the donor typed; limits and the rest are enforced by donation_create."""

    ONCE, MONTHLY = "once", "monthly"
    # Monthly is never the default: the donor picks it (and the confirm step says "every month").
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=[(ONCE, _("Give once")), (MONTHLY, _("Give every month"))],
        required=False,
        widget=forms.RadioSelect,
    )
    amount = forms.CharField(label=_("Amount"), max_length=20)
    cover_fee = forms.BooleanField(label=_("Cover the card processing fee"), required=False)
    donor_name = forms.CharField(label=_("Your name"), max_length=120, validators=[validate_single_line])
    email = forms.EmailField(label=_("Email for your receipt"))
    visibility = forms.ChoiceField(
        label=_("On the donor wall"), choices=Donation.Visibility.choices, initial=Donation.Visibility.NAME
    )
    message = forms.CharField(
        label=_("Message (optional)"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    keep_updated = forms.BooleanField(
        required=False,
        label=_("Keep me updated about this campaign by email"),
        help_text=_("Unsubscribe with one click from any of these emails."),
    )

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency
        # Consent is unticked unless SUPPORTER_UPDATES_PRETICKED says the law allows otherwise.
        self.fields["keep_updated"].initial = settings.SUPPORTER_UPDATES_PRETICKED
        low, high = rules.donation_limits(currency)
        self.fields["amount"].help_text = format_lazy(
            _("{low} to {high}"), low=l10n.local_money(low, currency), high=l10n.local_money(high, currency)
        )

    def clean_frequency(self) -> str:
        return self.cleaned_data.get("frequency") or self.ONCE

    def clean_amount(self) -> int:
        """Minor units, read by the campaign's currency and the visitor's locale (the active
        language): "12,50" and "12.50" are both 1250 cents; "1,250" in euros is refused as
        ambiguous. See causeweb.core.money.parse_amount."""
        return parse_amount(self.cleaned_data["amount"], self.currency)


class PledgeForm(forms.Form):
    """The amount of a pledge (also used to change it); limits are the service's."""

    amount = forms.CharField(label=_("Amount to pledge"), max_length=20)
    visibility = forms.ChoiceField(
        label=_("On the campaign"),
        choices=Donation.Visibility.choices,
        initial=Donation.Visibility.NAME,
        required=False,
    )
    keep_updated = forms.BooleanField(
        required=False,
        label=_("Keep me updated about this campaign by email"),
        help_text=_("Unsubscribe with one click from any of these emails."),
    )

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.fields["keep_updated"].initial = settings.SUPPORTER_UPDATES_PRETICKED

    def clean_amount(self) -> int:
        return parse_amount(self.cleaned_data["amount"], self.currency)


class FundingModelForm(forms.Form):
    funding_model = forms.ChoiceField(
        label=_("How this campaign raises money"),
        widget=forms.RadioSelect,
        choices=[
            (
                "keep",
                _("Keep what you raise: every donation is charged at once and kept, whether or not the goal is met."),
            ),
            (
                "all_or_nothing",
                _(
                    "All or nothing by the deadline: backers' cards are saved and charged only if the goal is met "
                    "by the deadline; if it is not, nobody is charged."
                ),
            ),
        ],
    )


class CampaignFundingSectionForm(FundingModelForm):
    """The funding model as a section of the campaign create/edit form (campaigns.hooks): not
    required (a form posted without it keeps the campaign's model), prefixed `funding`."""

    prefix = "funding"

    def __init__(self, *args, locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["funding_model"]
        field.required = False
        field.help_text = (
            _("Fixed once someone gave or pledged.") if locked else _("All or nothing needs a goal and a deadline.")
        )
        field.disabled = locked
