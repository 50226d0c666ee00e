"""Baseline: a plain llama-index retriever, as a user would set one up.

In: the corpus as (file base name, extracted text) pairs: the very text the assistant
indexed, so only chunking, embedding and ranking differ. Out: for a query, the
passages retrieved (file name, text), best first: plain values, no llama-index types.

The setup is llama-index's defaults: Documents -> SentenceSplitter nodes (1024 tokens,
200 overlap) -> VectorStoreIndex (in-memory) -> `as_retriever(similarity_top_k=2)`, with
the same packaged all-MiniLM-L6-v2 through HuggingFaceEmbedding. The embedding model
and the splitter are passed explicitly: llama-index's global Settings are never used
(with no LLM configured they reach for OpenAI). Retrieval only: there is no answerer,
so this baseline reports hit@k and MRR. File names are kept out of the embedded text
(as SimpleDirectoryReader does for `file_name`).
"""

from __future__ import annotations

import os

from assistant.embed import packaged_model_path

TOP_K = 2  # llama-index's default similarity_top_k: what an out-of-the-box setup returns


class LlamaIndexBaseline:
    name = "llamaindex"

    def __init__(self, documents: list[tuple[str, str]], top_k: int = TOP_K):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from llama_index.core import Document, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding

        embed_model = HuggingFaceEmbedding(model_name=packaged_model_path(), device="cpu")
        docs = [
            Document(
                text=text, metadata={"file_name": name},
                excluded_embed_metadata_keys=["file_name"], excluded_llm_metadata_keys=["file_name"],
            )
            for name, text in documents
        ]
        index = VectorStoreIndex.from_documents(docs, embed_model=embed_model, transformations=[SentenceSplitter()])
        self.nodes = len(index.docstore.docs)
        self.retriever = index.as_retriever(similarity_top_k=top_k)

    def retrieve(self, query: str) -> list[str]:
        """File names of the retrieved passages, best first."""
        return [name for name, _ in self.passages(query)]

    def passages(self, query: str) -> list[tuple[str, str]]:
        """(file name, passage text) of the retrieved passages, best first."""
        return [(n.node.metadata["file_name"], n.node.get_content()) for n in self.retriever.retrieve(query)]
