"""FastAPI/Starlette apps for corsdoctor's real-framework tests.

Each mount is one configuration users report (see frameworks_test.go):
  /correct    CORSMiddleware with the page's origin, all methods and headers
  /slash      allow_origins written with a trailing slash (never matches)
  /methods    allow_methods left at its default (GET only)
  /none       no CORSMiddleware at all
  /boom       an unhandled exception (a 500 from ServerErrorMiddleware)
"""
import os

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.applications import Starlette
from starlette.routing import Mount

ORIGIN = os.environ.get("PAGE_ORIGIN", "http://localhost:5173")


def api(**cors):
    app = FastAPI()
    if cors:
        app.add_middleware(CORSMiddleware, **cors)

    @app.get("/items")
    def list_items():
        return [{"id": 1}]

    @app.put("/items")
    def put_items():
        return {"ok": True}

    @app.get("/fail")
    def fail():
        raise RuntimeError("boom")

    return app


app = Starlette(routes=[
    Mount("/correct", app=api(allow_origins=[ORIGIN], allow_methods=["*"], allow_headers=["*"])),
    Mount("/slash", app=api(allow_origins=[ORIGIN + "/"], allow_methods=["*"], allow_headers=["*"])),
    Mount("/methods", app=api(allow_origins=[ORIGIN])),
    Mount("/none", app=api()),
])
