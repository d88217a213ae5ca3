from flask import Blueprint

bp = Blueprint("scheduling", __name__)
