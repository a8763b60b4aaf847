"""What every /api/v1/ viewset shares."""

from rest_framework.exceptions import MethodNotAllowed


class MethodFirstMixin:
    """A method the route does not offer is a 405 before authentication and permissions are asked
    (DRF asks them first: an anonymous `DELETE /campaigns/` was a 403, a signed-in one a 405)."""

    def initial(self, request, *args, **kwargs):
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)
