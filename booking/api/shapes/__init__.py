"""The shapes of the API's resources that more than their own endpoints need, or that are
large enough to stand apart: pydantic models for requests and answers, and the functions that
turn a model row into its answer. Endpoints live in `booking/api/<resource>.py`."""
