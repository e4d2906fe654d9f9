"""FastAPI peer: POST /add {"a": 1, "b": 2} -> {"sum": 3}.

Served by uvicorn (uvloop + httptools, 2 workers) in Benchmarks/endpoint_throughput.sh.
The body is validated the idiomatic FastAPI way (a pydantic model, numbers only), as
Slipway checks declared `number` inputs; `int | float` keeps 1 + 2 an int, so the
answer is {"sum": 3}, not 3.0.
"""

from typing import Union

from fastapi import FastAPI
from pydantic import BaseModel

from add import add

app = FastAPI()


class AddInputs(BaseModel):
    a: Union[int, float]
    b: Union[int, float]


@app.post("/add")
def add_endpoint(inputs: AddInputs):
    return add(inputs.a, inputs.b)
