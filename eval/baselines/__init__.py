"""Baselines: what a user would otherwise pick, run on the same corpus and questions.

The dense-only and BM25-only baselines are the assistant's own retrievers
(`Assistant.search(mode="dense" | "keyword")`) and need no code here; llamaindex.py is a
plain llama-index setup.
"""
