"""The bare Flask app the throughput benchmark compares against: one route, plain text.

Served by bench/throughput.py with the same gunicorn.conf.py and worker count as the app
(``gunicorn -c gunicorn.conf.py bench.hello:app``).
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
