"""One router per resource: health, chat, conversations, search, documents,
completions and models (OpenAI-compatible), and the chat page."""
