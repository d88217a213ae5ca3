"""The catalogue: courses, categories, target groups and search."""
