"""The reviews service: a FastAPI app over its own PostgreSQL database.

It is not Django, to show that rest_fdw only needs the HTTP conventions:

* GET /api/reviews/ -> {"count", "next", "previous", "results"} with
  limit/offset paging (default limit 10, at most 100), filters book=,
  book__in=1,2, rating=, rating__gte=, rating__lte=, id__in=, and
  ordering=-created,id;
* GET /api/reviews/?distinct=rating -> a row {"rating": 5} per distinct
  value of the rows the filters select, ordered by that column
  (ordering=rating or -rating), paged the same way: the optional
  capability of django-rest-fdw's README, which rest_fdw sends for
  SELECT DISTINCT (the admin's list_filter on rating asks for it);
* POST /api/reviews/ -> 201 and the created row; "id" may be supplied;
* GET, PATCH, DELETE /api/reviews/{id}/ (404 when there is no such review);
* PUT /api/reviews/{id}/: the whole review replaced (every field but the
  id required; an id in the body must be the URL's);
* GET /_stats and DELETE /_stats: the requests received (for the e2e tests).

Environment: REVIEWS_DB_DSN (a libpq connection string), SERVICE_TOKEN
(the bearer token clients must send; empty accepts everyone).
Run: uvicorn app:app --host 127.0.0.1 --port 8002 (one worker).
"""

import datetime
import hmac
import os
import pathlib
import threading
from contextlib import asynccontextmanager

import psycopg
from fastapi import Depends, FastAPI, HTTPException, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from psycopg.rows import dict_row
from pydantic import BaseModel, Field

DSN = os.environ.get("REVIEWS_DB_DSN", "dbname=reviews host=127.0.0.1 user=postgres")
TOKEN = os.environ.get("SERVICE_TOKEN", "")
COLUMNS = ["id", "book_id", "reviewer", "rating", "body", "created"]
ORDERING_FIELDS = {"id", "book_id", "rating", "created"}
# query parameter -> SQL condition on one integer, or on a list of them
FILTERS = {
    "id": "id = %s",
    "book": "book_id = %s",
    "book_id": "book_id = %s",
    "rating": "rating = %s",
    "rating__gte": "rating >= %s",
    "rating__lte": "rating <= %s",
}
LIST_FILTERS = {
    "id__in": "id = ANY(%s)",
    "book__in": "book_id = ANY(%s)",
    "book_id__in": "book_id = ANY(%s)",
}
DEFAULT_LIMIT, MAX_LIMIT = 10, 100


def connect():
    return psycopg.connect(DSN, row_factory=dict_row, autocommit=True)


@asynccontextmanager
async def lifespan(app):
    with connect() as conn:
        conn.execute(pathlib.Path(__file__).with_name("schema.sql").read_text())
    yield


app = FastAPI(title="Reviews service", lifespan=lifespan)

# Request counting ---------------------------------------------------------

_stats_lock = threading.Lock()
_requests = []


@app.middleware("http")
async def count_requests(request: Request, call_next):
    if request.url.path != "/_stats":
        line = f"{request.method} {request.url.path}"
        if request.url.query:
            line += "?" + request.url.query
        with _stats_lock:
            _requests.append(line)
    return await call_next(request)


@app.get("/_stats")
def read_stats():
    with _stats_lock:
        return {"count": len(_requests), "requests": list(_requests)}


@app.delete("/_stats", status_code=204)
def clear_stats():
    with _stats_lock:
        _requests.clear()


# Authentication and errors --------------------------------------------------


def check_token(request: Request):
    if TOKEN and not hmac.compare_digest(
        request.headers.get("Authorization", "").encode(), f"Bearer {TOKEN}".encode()
    ):
        raise HTTPException(401, "A valid bearer token is required.")


@app.exception_handler(HTTPException)
async def http_error(request, exc):
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)


@app.exception_handler(RequestValidationError)
async def validation_error(request, exc):
    """DRF-style 400: {"field": ["message", ...]}."""
    errors = {}
    for error in exc.errors():
        field = str(error["loc"][-1]) if error["loc"] else "non_field_errors"
        errors.setdefault(field, []).append(error["msg"])
    return JSONResponse(errors, status_code=400)


# Schemas ------------------------------------------------------------------


class ReviewIn(BaseModel):
    id: int | None = Field(default=None, ge=1)
    book_id: int
    reviewer: str = Field(max_length=100)
    rating: int = Field(ge=1, le=5)
    body: str = ""
    created: datetime.datetime | None = None


class ReviewPatch(BaseModel):
    book_id: int | None = None
    reviewer: str | None = Field(default=None, max_length=100)
    rating: int | None = Field(default=None, ge=1, le=5)
    body: str | None = None
    created: datetime.datetime | None = None


class ReviewPut(BaseModel):
    id: int | None = None
    book_id: int
    reviewer: str = Field(max_length=100)
    rating: int = Field(ge=1, le=5)
    body: str
    created: datetime.datetime


class ReviewOut(BaseModel):
    id: int
    book_id: int
    reviewer: str
    rating: int
    body: str
    created: datetime.datetime


class ReviewPage(BaseModel):
    count: int
    next: str | None
    previous: str | None
    results: list[ReviewOut]


# Endpoints ----------------------------------------------------------------

COLLECTION = "/api/reviews/"
ITEM = "/api/reviews/{review_id}/"


def int_param(name, text):
    try:
        return int(text)
    except ValueError:
        raise HTTPException(400, f"{name}: enter a whole number.")


def int_list(name, text):
    return [int_param(name, v) for v in text.split(",") if v != ""]


def page_link(request, limit, offset):
    if offset is None:
        return None
    return str(request.url.include_query_params(limit=limit, offset=offset))


def list_parameters():
    """The list's query parameters, declared in the OpenAPI document (the
    handler reads them from the query string itself), so that rest_fdw's
    IMPORT FOREIGN SCHEMA learns the filters, ordering fields and paging."""
    integer = {"type": "integer"}
    listed = {"type": "array", "items": integer}
    ordering = sorted(ORDERING_FIELDS) + sorted("-" + f for f in ORDERING_FIELDS)
    params = [{"name": n, "in": "query", "schema": integer} for n in FILTERS]
    params += [
        {"name": n, "in": "query", "schema": listed, "style": "form", "explode": False}
        for n in LIST_FILTERS
    ]
    params.append({"name": "ordering", "in": "query", "style": "form", "explode": False,
                   "schema": {"type": "array", "items": {"type": "string", "enum": ordering}}})
    # the largest page served is declared, so that clients (rest_fdw's IMPORT:
    # max_page_size) ask for pages of that size rather than learn it
    params.append({"name": "limit", "in": "query",
                   "schema": {**integer, "minimum": 1, "maximum": MAX_LIMIT}})
    params.append({"name": "offset", "in": "query", "schema": {**integer, "minimum": 0}})
    params.append({"name": "distinct", "in": "query",
                   "schema": {"type": "string", "enum": COLUMNS}})
    return params


@app.get(COLLECTION, response_model=ReviewPage, dependencies=[Depends(check_token)],
         openapi_extra={"parameters": list_parameters()})
def list_reviews(request: Request):
    params = request.query_params
    where, args = [], []
    for name, condition in FILTERS.items():
        if params.get(name):
            where.append(condition)
            args.append(int_param(name, params[name]))
    for name, condition in LIST_FILTERS.items():
        if params.get(name):
            where.append(condition)
            args.append(int_list(name, params[name]))
    limit = min(int_param("limit", params.get("limit", DEFAULT_LIMIT)), MAX_LIMIT)
    offset = int_param("offset", params.get("offset", 0))
    condition = f"WHERE {' AND '.join(where)}" if where else ""
    if "distinct" in params:
        return distinct_page(request, params["distinct"], condition, args, limit, offset)
    order = []
    for field in params.get("ordering", "").split(","):
        name = field.lstrip("-")
        if name in ORDERING_FIELDS:
            order.append(f"{name} {'DESC' if field.startswith('-') else 'ASC'}")
    order.append("id")
    with connect() as conn:
        count = conn.execute(f"SELECT count(*) AS n FROM reviews {condition}", args).fetchone()["n"]
        rows = conn.execute(
            f"SELECT {', '.join(COLUMNS)} FROM reviews {condition} "
            f"ORDER BY {', '.join(order)} LIMIT %s OFFSET %s",
            args + [limit, offset],
        ).fetchall()
    return {
        "count": count,
        "next": page_link(request, limit, offset + limit if offset + limit < count else None),
        "previous": page_link(request, limit, max(offset - limit, 0) if offset > 0 else None),
        "results": rows,
    }


def distinct_page(request, column, condition, args, limit, offset):
    """?distinct=<column>: a row {column: value} per distinct value among the
    rows the filters select, ordered by the column, paged as the list.  A
    column that is not a review's, or an ordering by another, is a 400."""
    if column not in COLUMNS:
        raise HTTPException(400, f"distinct: {column!r} is not a member of a review.")
    direction = "ASC"
    for field in filter(None, request.query_params.get("ordering", "").split(",")):
        if field.lstrip("-") != column:
            raise HTTPException(400, f"ordering: distinct values are ordered by {column!r} only.")
        direction = "DESC" if field.startswith("-") else "ASC"
    values = f"SELECT DISTINCT {column} FROM reviews {condition}"
    with connect() as conn:
        count = conn.execute(f"SELECT count(*) AS n FROM ({values}) v", args).fetchone()["n"]
        rows = conn.execute(f"{values} ORDER BY {column} {direction} LIMIT %s OFFSET %s",
                            args + [limit, offset]).fetchall()
    return JSONResponse(jsonable_encoder({
        "count": count,
        "next": page_link(request, limit, offset + limit if offset + limit < count else None),
        "previous": page_link(request, limit, max(offset - limit, 0) if offset > 0 else None),
        "results": rows,
    }))


@app.post(COLLECTION, status_code=201, response_model=ReviewOut, dependencies=[Depends(check_token)])
def create_review(review: ReviewIn):
    values = review.model_dump(exclude_none=True)
    names = list(values)
    with connect() as conn, conn.transaction():
        if "id" in values and conn.execute("SELECT 1 FROM reviews WHERE id = %s", [values["id"]]).fetchone():
            raise HTTPException(409, "A review with this id already exists.")
        row = conn.execute(
            f"INSERT INTO reviews ({', '.join(names)}) "
            f"VALUES ({', '.join(['%s'] * len(names))}) RETURNING {', '.join(COLUMNS)}",
            [values[n] for n in names],
        ).fetchone()
        if "id" in values:
            # keep the identity sequence ahead of client-supplied ids
            conn.execute(
                "SELECT setval(pg_get_serial_sequence('reviews', 'id'), "
                "greatest(max(id), (SELECT last_value FROM reviews_id_seq))) FROM reviews"
            )
    return row


def fetch(conn, review_id):
    row = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM reviews WHERE id = %s", [review_id]).fetchone()
    if row is None:
        raise HTTPException(404, "Not found.")
    return row


@app.get(ITEM, response_model=ReviewOut, dependencies=[Depends(check_token)])
def read_review(review_id: int):
    with connect() as conn:
        return fetch(conn, review_id)


@app.patch(ITEM, response_model=ReviewOut, dependencies=[Depends(check_token)])
def update_review(review_id: int, changes: ReviewPatch):
    values = changes.model_dump(exclude_unset=True)
    nulls = {name: ["This field may not be null."] for name, value in values.items() if value is None}
    if nulls:
        return JSONResponse(nulls, status_code=400)
    with connect() as conn, conn.transaction():
        fetch(conn, review_id)
        if values:
            conn.execute(
                f"UPDATE reviews SET {', '.join(f'{n} = %s' for n in values)} WHERE id = %s",
                list(values.values()) + [review_id],
            )
        return fetch(conn, review_id)


@app.put(ITEM, response_model=ReviewOut, dependencies=[Depends(check_token)])
def replace_review(review_id: int, review: ReviewPut):
    if review.id is not None and review.id != review_id:
        return JSONResponse({"id": ["Does not match the URL."]}, status_code=400)
    values = review.model_dump(exclude={"id"})
    with connect() as conn, conn.transaction():
        fetch(conn, review_id)
        conn.execute(
            f"UPDATE reviews SET {', '.join(f'{n} = %s' for n in values)} WHERE id = %s",
            list(values.values()) + [review_id],
        )
        return fetch(conn, review_id)


@app.delete(ITEM, status_code=204, dependencies=[Depends(check_token)])
def delete_review(review_id: int):
    with connect() as conn:
        if conn.execute("DELETE FROM reviews WHERE id = %s", [review_id]).rowcount == 0:
            raise HTTPException(404, "Not found.")
    return Response(status_code=204)
