from django.http import JsonResponse


class TokenRequired:
    """Rejects /secure/ requests without Authorization, preflights included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/secure/") and "HTTP_AUTHORIZATION" not in request.META:
            return JsonResponse({"detail": "Authentication credentials were not provided."}, status=401)
        return self.get_response(request)
