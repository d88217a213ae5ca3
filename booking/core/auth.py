"""Access decorators for pages: log-in required, and which roles may enter."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def roles_required(*roles: str):
    """Only people with one of these roles; others get a 403 page, anonymous people the log-in."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def organiser_required(view):
    """Only organisers and administrators (`user.is_organiser`); others get a 403 page,
    anonymous people the log-in. For features below accounts, which cannot name its roles."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_organiser:
            abort(403)
        return view(*args, **kwargs)

    return wrapped
