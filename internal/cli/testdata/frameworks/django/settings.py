"""Django with django-cors-headers for corsdoctor's real-framework tests.

CORS_ALLOWED_ORIGINS holds the page's origin only; TokenRequired runs above
CorsMiddleware for /secure/ (the reported mistake: authentication before
CORS answers preflights).
"""
import os

SECRET_KEY = "corsdoctor-test-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "urls"
INSTALLED_APPS = ["corsheaders"]
MIDDLEWARE = [
    "auth.TokenRequired",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
CORS_ALLOWED_ORIGINS = [os.environ.get("PAGE_ORIGIN", "http://localhost:5173")]
