"""The framework's ceiling for bench/load.py: a Flask hello-world answering every path
(GET and POST) with a short text, served by gunicorn with the project's settings."""
from flask import Flask

app = Flask(__name__)


@app.route("/", defaults={"path": ""}, methods=["GET", "POST"])
@app.route("/<path:path>", methods=["GET", "POST"])
def hello(path: str):
    return "Hello, World!"
