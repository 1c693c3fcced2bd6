"""Flask with Flask-CORS for corsdoctor's real-framework tests.

/cors/ routes are covered by Flask-CORS for the page's origin; /plain/
routes have no CORS at all.
"""
import os

from flask import Flask
from flask_cors import CORS

ORIGIN = os.environ.get("PAGE_ORIGIN", "http://localhost:5173")
app = Flask(__name__)
CORS(app, resources={r"/cors/*": {"origins": [ORIGIN]}})


@app.route("/cors/items", methods=["GET", "PUT"])
def cors_items():
    return {"ok": True}


@app.route("/plain/items", methods=["GET", "PUT"])
def plain_items():
    return {"ok": True}
