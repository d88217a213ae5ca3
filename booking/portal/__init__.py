"""The participants' pages that put several features together: the catalogue with what is
free for the reader, a course's sessions with the reader's place in each, the events and
their programmes, and the overview after log-in (/mijn). It sits at the top of the
dependency order, beside the API (docs/architecture.md): each feature's own pages live in
that feature."""
