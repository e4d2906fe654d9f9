"""FastAPI peer of Benchmarks/inference_throughput.sh: the same ONNX model in onnxruntime, the
fast idiomatic way.

- `async def` endpoint (on the event loop: no thread-pool hand-off), body read raw and parsed
  with orjson (pandas-records JSON: a list of rows, each {"tensor": [29 floats]}), one
  `session.run` over all rows of the request, answer with orjson in the shape Slipway answers
  (one record per row: time, in, out, check_failures, metadata).
- One InferenceSession per worker process, intra-op threads 1 (the workers are the
  parallelism: uvicorn runs 2 of them, one per core).

The model file is $BENCH_ONNX_MODEL. Served by uvicorn (uvloop + httptools, 2 workers).
"""

import os
import time

import numpy as np
import onnxruntime
import orjson
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import Response

MODEL_PATH = os.environ["BENCH_ONNX_MODEL"]

options = onnxruntime.SessionOptions()
options.intra_op_num_threads = 1
options.inter_op_num_threads = 1
options.log_severity_level = 3
session = onnxruntime.InferenceSession(MODEL_PATH, sess_options=options, providers=["CPUExecutionProvider"])
INPUT = session.get_inputs()[0].name
OUTPUT = session.get_outputs()[0].name
METADATA = {
    "last_model": orjson.dumps({"model_name": "bench-onnx", "model_sha": "fastapi"}).decode(),
    "pipeline_version": "",
    "elapsed": [],
    "dropped": [],
    "partition": "fastapi",
}

app = FastAPI()


@app.post("/infer")
async def infer(request: Request):
    try:
        rows = orjson.loads(await request.body())
        batch = np.asarray([row["tensor"] for row in rows], dtype=np.float32)
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        raise HTTPException(status_code=400, detail=f"bad pandas-records body: {error}")
    if batch.ndim != 2 or batch.shape[0] == 0:
        raise HTTPException(status_code=400, detail="expected a non-empty list of rows with a 'tensor' column")
    started = time.perf_counter_ns()
    out = session.run([OUTPUT], {INPUT: batch})[0]
    elapsed = time.perf_counter_ns() - started
    now = int(time.time() * 1000)
    metadata = dict(METADATA, elapsed=[elapsed])
    answer = [
        {"time": now, "in": row, "out": {OUTPUT: values}, "check_failures": [], "metadata": metadata}
        for row, values in zip(rows, out.tolist())
    ]
    return Response(orjson.dumps(answer), media_type="application/json")
