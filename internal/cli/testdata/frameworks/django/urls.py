from django.http import JsonResponse
from django.urls import path


def items(request):
    return JsonResponse({"items": [1]})


urlpatterns = [path("items/", items), path("secure/items/", items)]
