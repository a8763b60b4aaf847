"""The shared form renderer (templates/includes/form_fields.html) ties every field to its label,
help and error text for screen readers, and announces the errors of a submitted form once, in a
summary with role="alert" whose links lead to the fields (docs/accessibility.md)."""

import re
from html.parser import HTMLParser

from django import forms
from django.template.loader import render_to_string

VOID = {"input", "br", "img", "hr", "meta", "link"}


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children, self.text = tag, dict(attrs), parent, [], ""

    def get(self, name):
        return self.attrs.get(name)

    def text_content(self):
        return self.text + "".join(child.text_content() for child in self.children)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def get_element_by_id(self, element_id):
        return next(node for node in self.walk() if node.get("id") == element_id)

    def find(self, predicate):
        return [node for node in self.walk() if predicate(node)]

    def xpath(self, query):  # the three queries these tests use
        if query == "//*[@role='alert']":
            return self.find(lambda n: n.get("role") == "alert")
        if query == ".//a":
            return self.find(lambda n: n.tag == "a")
        match = re.fullmatch(r"//label\[@for='(.+)'\]", query)
        return self.find(lambda n: n.tag == "label" and n.get("for") == match.group(1))


class TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.root = self.current = Node("root", {})

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        if tag not in VOID and self.current.parent is not None:
            self.current = self.current.parent

    def handle_data(self, data):
        text = Node("#text", {}, self.current)
        text.text = data
        self.current.children.append(text)


class PetitionForm(forms.Form):
    name = forms.CharField(label="Your name", help_text="As it will appear on the petition.")
    email = forms.EmailField(label="Email")
    comment = forms.CharField(label="Comment", required=False, widget=forms.Textarea)
    keep_updated = forms.BooleanField(label="Keep me updated", required=True)
    reference = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        if self.cleaned_data.get("name") == "Nobody":
            raise forms.ValidationError("This petition is closed.")
        return self.cleaned_data


def render(form):
    builder = TreeBuilder()
    builder.feed(render_to_string("includes/form_fields.html", {"form": form}))
    return builder.root


def test_an_untouched_form_has_no_error_wiring_and_help_is_linked():
    page = render(PetitionForm())
    name = page.get_element_by_id("id_name")
    assert name.get("aria-invalid") is None
    assert name.get("aria-describedby") == "id_name_helptext"
    assert page.get_element_by_id("id_name_helptext").text_content() == "As it will appear on the petition."
    assert page.get_element_by_id("id_email").get("aria-describedby") is None
    assert not page.xpath("//*[@role='alert']")
    for field_id in ("id_name", "id_email", "id_comment", "id_keep_updated"):  # every input has its label
        assert page.xpath(f"//label[@for='{field_id}']"), field_id


def test_each_invalid_input_is_marked_and_described_by_its_error():
    page = render(PetitionForm(data={"name": "", "email": "not-an-email"}))
    for field_id in ("id_name", "id_email", "id_keep_updated"):
        widget = page.get_element_by_id(field_id)
        assert widget.get("aria-invalid") == "true", field_id
        described = widget.get("aria-describedby").split()
        assert f"{field_id}_error" in described, field_id
        assert page.get_element_by_id(f"{field_id}_error").text_content().strip(), field_id
    assert page.get_element_by_id("id_name").get("aria-describedby") == "id_name_helptext id_name_error"
    assert "Enter a valid email address." in page.get_element_by_id("id_email_error").text_content()
    comment = page.get_element_by_id("id_comment")  # valid: untouched
    assert comment.get("aria-invalid") is None and comment.get("aria-describedby") is None


def test_the_error_summary_is_one_alert_linking_to_each_invalid_field():
    page = render(PetitionForm(data={"name": "", "email": "not-an-email"}))
    alerts = page.xpath("//*[@role='alert']")
    assert len(alerts) == 1  # announced once, not once per field
    summary = alerts[0]
    links = {link.get("href"): link.text_content() for link in summary.xpath(".//a")}
    assert links == {"#id_name": "Your name", "#id_email": "Email", "#id_keep_updated": "Keep me updated"}
    assert "Enter a valid email address." in summary.text_content()


def test_form_wide_errors_are_in_the_summary():
    page = render(PetitionForm(data={"name": "Nobody", "email": "a@example.org", "keep_updated": "on"}))
    (summary,) = page.xpath("//*[@role='alert']")
    assert "This petition is closed." in summary.text_content()
    assert page.get_element_by_id("id_name").get("aria-invalid") is None


def test_ids_the_form_set_on_a_widget_are_kept():
    class Described(forms.Form):
        code = forms.CharField(
            widget=forms.TextInput(attrs={"aria-describedby": "code-rules"}), help_text="Six letters"
        )

    page = render(Described(data={"code": ""}))
    assert page.get_element_by_id("id_code").get("aria-describedby") == "code-rules id_code_helptext id_code_error"


def test_templates_that_render_a_field_by_hand_wire_it_the_same_way():
    """A field's errors rendered outside form_fields.html (events/_field.html: the search filters,
    which have no summary, so their error is the alert) carry the id the widget points at."""
    from pathlib import Path

    from django.conf import settings

    offenders = []
    for template in Path(settings.BASE_DIR).glob("*/**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        text = template.read_text()
        if "field.errors" in text and "{% for field in form" not in text and "_error" not in text:
            offenders.append(str(template.relative_to(settings.BASE_DIR)))
    assert not offenders, f"render the widget with |accessible_widget and id its error <id>_error: {offenders}"
