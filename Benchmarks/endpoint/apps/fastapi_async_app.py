"""FastAPI peer, the fast idiomatic way: an `async def` endpoint (run on the event loop, no
thread-pool hand-off) with the same pydantic model as fastapi_app.py.

Served by uvicorn (uvloop + httptools, 2 workers) in Benchmarks/endpoint_throughput.sh.
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
async def add_endpoint(inputs: AddInputs):
    return add(inputs.a, inputs.b)
