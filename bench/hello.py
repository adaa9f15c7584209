"""The yardstick: a bare Flask app served the same way as the site, so every figure is a ratio."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
