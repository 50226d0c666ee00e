"""The HTTP layer over `assistant.pipeline.Assistant`: versioned JSON API, an
OpenAI-compatible chat endpoint and a chat page. `create_app(settings)` in api/main.py
is the entry point; `api.serve.serve()` runs it under uvicorn. Nothing in `assistant`
imports this package."""
