"""One decorator per endpoint: it routes, authenticates, parses, and records what the
OpenAPI document says about the endpoint, so the document cannot drift from the code."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Blueprint, Response, jsonify, request
from pydantic import BaseModel

from booking.api.auth import bearer_user, require_admin, require_organiser, require_token
from booking.api.errors import json_body, validate


@dataclass(frozen=True)
class Endpoint:
    rule: str  # Flask rule relative to the blueprint, e.g. /sessions/<int:session_id>
    method: str
    name: str
    summary: str
    tag: str
    description: str = ""
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    auth: str = "public"  # public (token optional), token (any role), organiser, admin
    optional_body: bool = False
    path_params: tuple[str, ...] = field(default=())
    text_params: tuple[str, ...] = field(default=())  # path params that are strings, not ids
    media_type: str = "application/json"  # of the success response
    errors: tuple[tuple[int, str], ...] = ()  # error statuses described for this endpoint
    repeat: str = ""  # a create that answers 200 with what exists: when it does

    @property
    def organiser(self) -> bool:
        return self.auth == "organiser"


ENDPOINTS: list[Endpoint] = []
_PATH_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")  # <int:id>, or <email> (a string)


def api(
    bp: Blueprint,
    rule: str,
    method: str,
    *,
    summary: str,
    tag: str,
    response: type[BaseModel] | None = None,
    body: type[BaseModel] | None = None,
    body_parser: Callable[[dict], Any] | None = None,
    query: type[BaseModel] | None = None,
    status: int = 200,
    organiser: bool = False,
    auth: str = "public",
    optional_body: bool = False,
    description: str = "",
    media_type: str = "application/json",
    errors: dict[int, str] | None = None,
    repeat: str = "",
    guard: Callable[..., None] | None = None,
):
    """Register a view. The view gets `user` (None when anonymous), and `body` and/or `query`
    already validated; it returns a Response (see `reply`).

    `auth`: "public" (a token is optional and narrows or widens what is seen), "token" (any
    role, but a token is needed: 401 without) or "organiser". With `optional_body` an empty
    body counts as `{}` (a plain `POST .../cancel`), while the document names its shape.
    `media_type` names a success response that is not JSON (an iCalendar file, say).
    `errors` describes error answers particular to this endpoint (status: description),
    in place of the document's general wording for that status. `repeat` says when a
    create (201) answers 200 with what exists already; the document then lists that 200.
    `guard(user, **path)` asks the service whether this person may act on what the path names
    (raising its 404 or 403) before the body is read: who may not act learns that, not what
    their body got wrong.
    """
    auth = "organiser" if organiser else auth
    if auth not in ("public", "token", "organiser", "admin"):
        raise ValueError(f"unknown auth {auth!r}")

    def decorator(view: Callable[..., Response]) -> Callable[..., Response]:
        @wraps(view)
        def wrapped(**path: Any) -> Response:
            user = bearer_user()
            if auth == "organiser":
                require_organiser(user)
            elif auth == "admin":
                require_admin(user)
            elif auth == "token":
                require_token(user)
            if guard is not None:
                guard(user, **path)
            kwargs: dict[str, Any] = {**path, "user": user}
            if query is not None:
                kwargs["query"] = validate(query, request.args.to_dict(flat=True))
            if body is not None:
                raw = json_body(optional=optional_body)
                kwargs["body"] = body_parser(raw) if body_parser else validate(body, raw)
            return view(**kwargs)

        bp.add_url_rule(rule, endpoint=view.__name__, view_func=wrapped, methods=[method])
        ENDPOINTS.append(
            Endpoint(
                rule=rule,
                method=method,
                name=f"{bp.name}.{view.__name__}",
                summary=summary,
                tag=tag,
                description=description or inspect.cleandoc(view.__doc__ or ""),
                body=body,
                query=query,
                response=response,
                status=status,
                auth=auth,
                optional_body=optional_body,
                path_params=tuple(name for _kind, name in _PATH_PARAM.findall(rule)),
                text_params=tuple(
                    name for kind, name in _PATH_PARAM.findall(rule) if kind in ("", "string")
                ),
                media_type=media_type,
                errors=tuple(sorted((errors or {}).items())),
                repeat=repeat,
            )
        )
        return wrapped

    return decorator


def reply(model: BaseModel, status: int = 200, location: str | None = None) -> Response:
    response = jsonify(model.model_dump(mode="json"))
    response.status_code = status
    if location:
        response.headers["Location"] = location
    return response
