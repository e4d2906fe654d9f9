"""Flask peer: POST /add {"a": 1, "b": 2} -> {"sum": 3}.

Served by gunicorn (2 sync workers) in Benchmarks/endpoint_throughput.sh.
"""

from flask import Flask, abort, jsonify, request

from add import add

app = Flask(__name__)


@app.post("/add")
def add_endpoint():
    inputs = request.get_json(silent=True)
    if not isinstance(inputs, dict) or not all(
        isinstance(inputs.get(k), (int, float)) and not isinstance(inputs.get(k), bool) for k in ("a", "b")
    ):
        abort(400)
    return jsonify(add(inputs["a"], inputs["b"]))
