"""Internal stock dashboard (Flask), served next to the API."""

import os

from flask import Flask

dashboard = Flask(__name__)
dashboard.config["SECRET_KEY"] = os.environ["DASHBOARD_SECRET_KEY"]
dashboard.config["DEBUG"] = True  # expect: BA-DEP-001


def create_dashboard(debug: bool = False) -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = os.environ["DASHBOARD_SECRET_KEY"]
    app.debug = debug
    return app
