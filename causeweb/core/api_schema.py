"""The OpenAPI schema of /api/v1/ (drf-spectacular): every operation documents the one error body
of causeweb.core.api_errors for the statuses it can answer, next to its own success types.
`SPECTACULAR_SETTINGS["DEFAULT_SCHEMA_CLASS"]`-style: settings.REST_FRAMEWORK names `ApiSchema`."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from causeweb.core.validators import BIDI_CONTROLS, LINE_BREAKS, NoBidiControls, SingleLine


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Field error",
            value={
                "detail": "Some fields are not valid: email.",
                "errors": {"email": ["Enter a valid email address."]},
                "code": "invalid",
            },
            response_only=True,
        ),
        OpenApiExample(
            "Not found",
            value={"detail": "Not found.", "errors": {}, "code": "not_found"},
            response_only=True,
        ),
    ]
)
class ErrorSerializer(serializers.Serializer):
    """Every error answer: one sentence, the fields to blame (maybe none), a stable code."""

    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    code = serializers.CharField()


ERROR_DESCRIPTIONS = {
    "400": "The request is not valid: `errors` names the fields (code `invalid`, `parse_error`).",
    "401": "No valid credentials (code `not_authenticated`, `authentication_failed`).",
    "403": "Not allowed for you, or your token lacks the scope (code `permission_denied`).",
    "404": "No such object, or one you may not see (code `not_found`).",
    "405": "That method is not offered here (code `method_not_allowed`).",
    "409": "The object's state does not allow it now (a specific code such as `already_signed`).",
    "429": "Too many requests: wait `Retry-After` seconds (code `throttled`, `rate_limited`).",
}
READ_ERRORS = ("400", "401", "403", "404", "405", "429")
WRITE_ERRORS = (*READ_ERRORS, "409")


def _char_class(chars) -> str:
    return "".join(f"\\u{ord(char):04x}" for char in sorted(chars))


# What the text validators refuse, said as patterns so that clients (and Schemathesis) know.
NO_BIDI_PATTERN = f"^[^{_char_class(BIDI_CONTROLS)}]*$"
SINGLE_LINE_PATTERN = f"^[^\\u0000-\\u001f\\u007f-\\u009f{_char_class(LINE_BREAKS | BIDI_CONTROLS)}]*$"


class ApiSchema(AutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        validators = getattr(field, "validators", [])
        if schema.get("type") == "string" and "pattern" not in schema:
            if any(isinstance(v, SingleLine) for v in validators):
                schema["pattern"] = SINGLE_LINE_PATTERN
            elif any(isinstance(v, NoBidiControls) for v in validators):
                schema["pattern"] = NO_BIDI_PATTERN
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = READ_ERRORS if self.method in ("GET", "HEAD", "OPTIONS") else WRITE_ERRORS
        for code in codes:
            if code not in responses:
                body = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                body["description"] = ERROR_DESCRIPTIONS[code]
                responses[code] = body
        return responses
