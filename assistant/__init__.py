"""Battery-partnership knowledge assistant: the core library.

Pipeline: load -> chunk -> embed -> store -> retrieve (dense + keyword) -> fuse
-> answer with citations. `assistant.pipeline.Assistant` wires the stages together;
this package knows nothing of HTTP.
"""
